import type { SearchAddon } from '@xterm/addon-search';
import { useEffect, useRef, useState } from 'react';

interface Props {
  search: SearchAddon | null;
  onClose(): void;
}

/** Finds text in the console's scrollback (10,000 lines): Enter for the next match, Shift+Enter for the previous. */
export function FindBar({ search, onClose }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [term, setTerm] = useState('');
  const [found, setFound] = useState<boolean>();
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (!search) return;
    const results = search.onDidChangeResults(({ resultCount }) => setFound(resultCount > 0));
    return () => results.dispose();
  }, [search]);

  const find = (backwards: boolean) => {
    if (!search || !term) return;
    const options = { caseSensitive: false, decorations: { matchOverviewRuler: '#888', activeMatchColorOverviewRuler: '#ff0', matchBackground: '#665500', activeMatchBackground: '#aa8800' } };
    setFound(backwards ? search.findPrevious(term, options) : search.findNext(term, options));
  };
  const close = () => {
    search?.clearDecorations();
    onClose();
  };

  return (
    <div className="find-bar" role="search" aria-label="Find in console">
      <label>
        Find
        <input
          ref={input}
          value={term}
          aria-invalid={found === false}
          onChange={(e) => setTerm(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') find(e.shiftKey);
            else if (e.key === 'Escape') close();
            else return;
            e.preventDefault();
          }}
        />
      </label>
      <button onClick={() => find(true)} aria-label="Previous match">
        ↑
      </button>
      <button onClick={() => find(false)} aria-label="Next match">
        ↓
      </button>
      <span className="hint" aria-live="polite">
        {found === false ? 'Not found' : ''}
      </span>
      <button onClick={close} aria-label="Close find">
        ×
      </button>
    </div>
  );
}
