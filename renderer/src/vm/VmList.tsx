import { measureElement, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useVms } from '../stores/vms.js';
import { VmQuestion, type Question } from './VmQuestions.js';
import { VmRow } from './VmRow.js';

export function VmList() {
  const names = useVms((s) => s.names);
  const loaded = useVms((s) => s.loaded);
  const listError = useVms((s) => s.errors['']);
  const notice = useVms((s) => s.notice);
  const [question, setQuestion] = useState<Question>();
  if (!loaded) return <p className="empty">Loading…</p>;
  return (
    <section aria-label="Virtual machines" className="vm-section">
      {listError && <p role="alert" className="error">{listError.message}</p>}
      {notice && <p role="status" className="notice">{notice}</p>}
      {names.length === 0 ? <p className="empty">No virtual machines yet. Click “New VM” to make one.</p> : <VmTable names={names} ask={setQuestion} />}
      {question && <VmQuestion question={question} onDone={() => setQuestion(undefined)} />}
    </section>
  );
}

/** A row with one line of text and the buttons; taller rows are measured once drawn. */
const estimateRowHeight = () => 47;

/**
 * A row in a hidden tab measures 0 high. Taken as its height, every row would sit "above" the
 * top, and showing the tab again would push the list down by each row's real height.
 */
function measureRow(row: Element, entry: ResizeObserverEntry | undefined, list: Virtualizer<HTMLDivElement, Element>): number {
  if (row.getClientRects().length > 0) return measureElement(row, entry, list);
  return list.itemSizeCache.get(list.options.getItemKey(list.indexFromElement(row))) ?? estimateRowHeight();
}

/**
 * Only the rows in view (and a few either side) are in the page, so a list of 1,000 guests
 * costs what a list of 30 does. It stays a real table: rows the page does not hold are told to
 * assistive technology by aria-rowcount and aria-rowindex, and spacer rows keep the scrollbar
 * the length of the whole list.
 */
function VmTable({ names, ask }: { names: string[]; ask: (question: Question) => void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: names.length,
    getScrollElement: () => scroller.current,
    estimateSize: estimateRowHeight,
    measureElement: measureRow,
    // Heights are remembered by guest, so a guest added above does not give its height to the next row.
    getItemKey: useCallback((index: number) => names[index] ?? index, [names]),
    overscan: 10,
  });
  useScrollRestoredOnShow(scroller.current);
  const items = rows.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = rows.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scroller} className="vm-scroll">
      <table className="vm-list" aria-rowcount={names.length + 1}>
        <colgroup>
          <col />
          <col className="col-state" />
          <col className="col-activity" />
          <col className="col-cpus" />
          <col className="col-memory" />
          <col className="col-backend" />
          <col className="col-actions" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Activity</th>
            <th scope="col">CPUs</th>
            <th scope="col">Memory</th>
            <th scope="col">Backend</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <Spacer height={before} />
          {items.map((item) => (
            <VmRow key={item.key} name={names[item.index] ?? ''} index={item.index} measure={rows.measureElement} ask={ask} />
          ))}
          <Spacer height={after} />
        </tbody>
      </table>
    </div>
  );
}

/**
 * A list in a hidden tab has no size; shown again, the browser puts back its scroll position
 * without a scroll event, and the virtualiser would keep drawing the rows of the old position.
 */
function useScrollRestoredOnShow(scroller: HTMLDivElement | null): void {
  useEffect(() => {
    if (!scroller) return;
    let hidden = false;
    const observer = new ResizeObserver(() => {
      const nowHidden = scroller.clientHeight === 0;
      if (hidden && !nowHidden) scroller.dispatchEvent(new Event('scroll'));
      hidden = nowHidden;
    });
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [scroller]);
}

/** Stands in for rows not drawn. */
function Spacer({ height }: { height: number }) {
  if (height <= 0) return null;
  return (
    <tr className="spacer" aria-hidden="true">
      <td colSpan={7} style={{ height }} />
    </tr>
  );
}
