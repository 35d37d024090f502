import { useState } from 'react';
import { quoteArgv } from '../../../shared/shell-words.js';
import type { CommandRecord } from '../../../shared/api/host.js';
import { useHost } from '../stores/host.js';

/** Where the backend knows what an exit status means (bhyve's 1 = powered off), it is named, and judged by that. */
function outcome(c: CommandRecord): { text: string; bad: boolean } {
  if (c.error) return { text: `failed to start: ${c.error}`, bad: true };
  if (c.running) return { text: 'running', bad: false };
  if (c.exitCode === null) return { text: c.signal ? `killed by ${c.signal}` : 'ended', bad: true };
  if (c.outcome) return { text: `exit ${c.exitCode} (${c.outcome.meaning})`, bad: c.outcome.fault };
  return { text: `exit ${c.exitCode}`, bad: c.exitCode !== 0 };
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
            <CommandRow key={c.id} command={c} />
          ))}
        </ol>
      )}
    </section>
  );
}

function CommandRow({ command }: { command: CommandRecord }) {
  const result = outcome(command);
  const line = quoteArgv(command.argv);
  return (
    <li className={result.bad ? 'bad' : 'ok'}>
      <code>{line}</code>
      <span className="meta">
        {command.repeats && command.repeats > 1 ? <span title={`run ${command.repeats} times; the last run is shown`}>× {command.repeats} · </span> : null}
        {result.text}
        {command.running ? '' : ` · ${command.durationMs} ms`} · {new Date(command.startedAt).toLocaleTimeString()}
      </span>
      <button aria-label={`Copy command ${command.id}`} onClick={() => void navigator.clipboard?.writeText(line)}>
        Copy
      </button>
    </li>
  );
}
