import type { ConfDiff } from '../../../../shared/api/settings.js';

/** Unified-diff hunks, a line each, coloured by what happened to it. */
export function ConfDiffView({ hunks, label }: { hunks: ConfDiff; label: string }) {
  if (hunks.length === 0) return <p className="hint">No difference.</p>;
  return (
    <pre className="conf-diff" aria-label={label}>
      {hunks.map((h) => (
        <span key={`${h.oldStart}-${h.newStart}`} className="hunk">
          <span className="hunk-head">
            @@ line {h.oldStart} → {h.newStart} @@
            {'\n'}
          </span>
          {h.lines.map((line, i) => (
            <span key={i} className={line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx'}>
              {line}
              {'\n'}
            </span>
          ))}
        </span>
      ))}
    </pre>
  );
}
