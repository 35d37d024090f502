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
          <dt>Backend</dt>
          <dd>{info.backend}</dd>
          <dt>Acceleration</dt>
          <dd>{info.accelerator}</dd>
          <dt>Datastore</dt>
          <dd title={info.datastore}>{info.datastore}</dd>
        </dl>
      )}
      {children}
    </header>
  );
}
