import { useState } from 'react';
import type { ConsoleHolder } from '../../../../shared/api/console-protocol.js';
import type { ConsolePort } from '../../../../shared/api/consoles.js';
import { invoke } from '../../api/client.js';

interface Props {
  name: string;
  port: ConsolePort;
  holder: ConsoleHolder | null;
}

/**
 * The line is someone else's (a cu in a terminal): who holds it, and the choice a serial line
 * leaves, since it carries one reader at a time: wait until they let go, or stop their program.
 */
export function HeldNotice({ name, port, holder }: Props) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const who = holder ? `${holder.command || 'a program'} (pid ${holder.pid}, user ${holder.user})` : 'another program';
  const takeOver = async () => {
    setBusy(true);
    const result = await invoke('takeOverConsole', { name, port });
    setBusy(false);
    setError(result.ok ? undefined : result.error.message);
  };
  return (
    <div className="held" role="status">
      <p>
        {name}&apos;s {port} is in use by {who} outside Hivedesk. A serial line has one reader at a time: Hivedesk connects as soon as it
        is free.
      </p>
      <div className="actions">
        <span className="hint">Waiting for the line…</span>
        <button className="danger" disabled={busy || !holder} title={holder ? `Stop pid ${holder.pid}: its session on this line ends` : 'Hivedesk cannot tell which program it is'} onClick={() => void takeOver()}>
          Take over
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
