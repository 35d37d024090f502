import type { ReactNode } from 'react';
import { useHost } from '../stores/host.js';

/** The host's facts, with the app's main actions (`children`) at the end. */
export function HostBar({ children }: { children: ReactNode }) {
  const info = useHost((s) => s.info);
  return (
    <header className="hostbar">
      <h1>Hivedesk</h1>
      {info && (
        <dl className="host-facts" aria-label="Host">
          {/* Each pair in a group of its own, so a line break falls between pairs, never inside one. */}
          <div>
            <dt>Backend</dt>
            <dd>{info.backend}</dd>
          </div>
          <div>
            <dt>Acceleration</dt>
            <dd>{info.accelerator}</dd>
          </div>
          <div>
            <dt>Datastore</dt>
            <dd title={info.datastore}>{info.datastore}</dd>
          </div>
        </dl>
      )}
      {children}
    </header>
  );
}
