import { useEffect, useRef } from 'react';
import type { FileDiff } from '../../../../shared/api/host-setup.js';
import { quoteArgv } from '../../../../shared/shell-words.js';
import { type OpenFix, useHostSetup } from '../../stores/host-setup.js';

/** A fix's exact commands and diffs, shown before anything runs; then what ran, and stderr if it failed. */
export function FixDialog({ fix }: { fix: OpenFix }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { runFix, closeFix } = useHostSetup.getState();
  useEffect(() => ref.current?.showModal(), []);
  const { check, plan, result, error, running } = fix;
  const commands = plan?.commands.map((argv) => quoteArgv(argv)) ?? [];
  return (
    <dialog ref={ref} className="fix-dialog" aria-label={`Fix: ${check.title}`} onCancel={closeFix}>
      <h2>Fix: {check.title}</h2>
      <p>{check.summary}</p>
      {!plan && !error && <p className="busy">Working out the commands…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {plan && !result && (
        <>
          {plan.warnings.length > 0 && (
            <ul className="warnings" aria-label="Before you run this">
              {plan.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          {plan.diffs.map((d) => (
            <Diff key={d.path} diff={d} />
          ))}
          <h3>Commands that will run</h3>
          <ol className="plan" aria-label="Commands that will run">
            {commands.map((c, i) => (
              <li key={i}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(commands.join('\n'))}>
            Copy commands
          </button>
        </>
      )}
      {result && (
        <>
          <p role="status" className={result.ok ? 'fix-ok' : 'error'}>
            {result.ok ? 'Done. The checks ran again.' : 'A command failed; nothing after it ran.'}
          </p>
          <ol className="plan" aria-label="What ran">
            {result.steps.map((s, i) => (
              <li key={i} className={s.exitCode === 0 ? 'ok' : 'bad'}>
                <code>{quoteArgv(s.argv)}</code>
                <span className="meta">{s.exitCode === null ? 'did not finish' : `exit ${s.exitCode}`}</span>
                {s.exitCode !== 0 && s.stderr && <pre className="stderr">{s.stderr}</pre>}
              </li>
            ))}
          </ol>
        </>
      )}
      <div className="actions">
        <button autoFocus onClick={closeFix}>
          {result ? 'Close' : 'Cancel'}
        </button>
        {!result && (
          <button className="primary" disabled={!plan || running} onClick={() => void runFix()}>
            {running ? 'Running…' : 'Run these commands'}
          </button>
        )}
      </div>
    </dialog>
  );
}

function Diff({ diff }: { diff: FileDiff }) {
  return (
    <figure className="diff">
      <figcaption>Changes to {diff.path}</figcaption>
      <pre aria-label={`Changes to ${diff.path}`}>
        {diff.diff.split('\n').map((line, i) => (
          <span key={i} className={line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : undefined}>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
