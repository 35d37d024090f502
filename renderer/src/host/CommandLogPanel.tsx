import { useState } from 'react';
import { quoteArgv } from '../../../shared/shell-words.js';
import type { CommandRecord } from '../../../shared/api/host.js';
import { useHost } from '../stores/host.js';

function outcome(c: CommandRecord): string {
  if (c.error) return `failed to start: ${c.error}`;
  if (c.exitCode !== null) return `exit ${c.exitCode}`;
  return c.signal ? `killed by ${c.signal}` : 'running';
}

/** Every host command Hivedesk ran, exactly, newest first, each one copyable. */
export function CommandLogPanel() {
  const commands = useHost((s) => s.commands);
  const [open, setOpen] = useState(true);
  return (
    <section className="command-log" aria-label="Command log">
      <header>
        <button aria-expanded={open} onClick={() => setOpen(!open)}>
          Command log ({commands.length})
        </button>
      </header>
      {open && (
        <ol reversed>
          {[...commands].reverse().map((c) => (
            <li key={c.id} className={c.exitCode === 0 ? 'ok' : c.exitCode === null && !c.error ? '' : 'bad'}>
              <code>{quoteArgv(c.argv)}</code>
              <span className="meta">
                {outcome(c)} · {c.durationMs} ms · {new Date(c.startedAt).toLocaleTimeString()}
              </span>
              <button aria-label={`Copy command ${c.id}`} onClick={() => void navigator.clipboard?.writeText(quoteArgv(c.argv))}>
                Copy
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
