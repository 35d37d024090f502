import { useState } from 'react';
import type { ConsoleHolder } from '../../../../shared/api/console-protocol.js';
import type { ConsolePort } from '../../../../shared/api/consoles.js';
import { consoleKey, useConsoles } from '../../stores/consoles.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';

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
  const takeOver = useConsoles((s) => s.takeOvers[consoleKey(name, port)]);
  const [asking, setAsking] = useState(false);
  const who = holder ? `${holder.command || 'a program'} (pid ${holder.pid}, user ${holder.user})` : 'another program';
  const confirm = () => {
    setAsking(false);
    void useConsoles.getState().takeOver(name, port);
  };
  return (
    <div className="held" role="status">
      <p>
        {name}&apos;s {port} is in use by {who} outside Hivedesk. A serial line has one reader at a time: Hivedesk connects as soon as it
        is free.
      </p>
      <div className="actions">
        <span className="hint">Waiting for the line…</span>
        <button className="danger" disabled={takeOver?.busy || !holder} title={holder ? `Stop pid ${holder.pid}: its session on this line ends` : 'Hivedesk cannot tell which program it is'} onClick={() => setAsking(true)}>
          Take over…
        </button>
      </div>
      {takeOver?.error && (
        <p role="alert" className="error">
          {takeOver.error}
        </p>
      )}
      {asking && holder && (
        <ConfirmDialog
          title={`Take over ${name}'s ${port}?`}
          body={`This stops ${who} with SIGTERM: user ${holder.user}'s session on this line ends, and whatever it was doing there is cut off. Hivedesk then connects.`}
          confirmLabel="Stop it and take over"
          onConfirm={confirm}
          onCancel={() => setAsking(false)}
        />
      )}
    </div>
  );
}
