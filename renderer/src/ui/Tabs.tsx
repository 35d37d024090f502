import { type DragEvent, type KeyboardEvent, useEffect, useRef } from 'react';

export interface TabItem {
  id: string;
  title: string;
  /** The id of the panel this tab shows (aria-controls). */
  panel: string;
  /** Absent: the tab cannot be closed or moved (Machines). */
  closeLabel?: string;
  closeHint?: string;
}

interface Props {
  label: string;
  items: TabItem[];
  active: string;
  onSelect(id: string): void;
  onClose(id: string): void;
  onMove(id: string, to: number): void;
}

/**
 * A tab list as the ARIA pattern describes it: one tab in the Tab order (the selected one),
 * arrows/Home/End move between tabs and select them, Delete closes one, Ctrl+Shift+arrows move
 * it; tabs can also be dragged to another place.
 */
export function Tabs({ label, items, active, onSelect, onClose, onMove }: Props) {
  const list = useRef<HTMLDivElement>(null);
  const dragged = useRef<string>(null);
  const focusTab = (id: string) => list.current?.querySelector<HTMLElement>(`[data-tab="${CSS.escape(id)}"]`)?.focus();
  const focusSelected = () => list.current?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
  // Many tabs scroll sideways: the one shown is always in view, however it was chosen.
  useEffect(() => {
    list.current?.querySelector(`[data-tab="${CSS.escape(active)}"]`)?.parentElement?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active]);
  const selectAt = (index: number) => {
    const item = items[(index + items.length) % items.length];
    if (!item) return;
    onSelect(item.id);
    focusTab(item.id);
  };

  const onKeyDown = (event: KeyboardEvent, item: TabItem, index: number) => {
    const reorder = event.ctrlKey && event.shiftKey && item.closeLabel;
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (reorder && step) {
      onMove(item.id, index + step);
      requestAnimationFrame(() => focusTab(item.id));
    } else if (step) selectAt(index + step);
    else if (event.key === 'Home') selectAt(0);
    else if (event.key === 'End') selectAt(items.length - 1);
    else if (event.key === 'Delete' && item.closeLabel) {
      onClose(item.id);
      requestAnimationFrame(focusSelected);
    } else return;
    event.preventDefault();
  };

  const onDrop = (event: DragEvent, index: number) => {
    event.preventDefault();
    if (dragged.current) onMove(dragged.current, index);
    dragged.current = null;
  };

  return (
    <div className="tabs" role="tablist" aria-label={label} ref={list}>
      {items.map((item, index) => (
        <span
          key={item.id}
          className="tab"
          draggable={!!item.closeLabel}
          onDragStart={() => (dragged.current = item.id)}
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => onDrop(e, index)}
        >
          <button
            role="tab"
            data-tab={item.id}
            aria-selected={active === item.id}
            aria-controls={item.panel}
            tabIndex={active === item.id ? 0 : -1}
            onClick={() => onSelect(item.id)}
            onKeyDown={(e) => onKeyDown(e, item, index)}
          >
            {item.title}
          </button>
          {item.closeLabel && (
            <button className="tab-close" tabIndex={-1} aria-label={item.closeLabel} title={item.closeHint ?? 'Close this tab (Delete)'} onClick={() => onClose(item.id)}>
              ×
            </button>
          )}
        </span>
      ))}
    </div>
  );
}
