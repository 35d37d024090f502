import { useHost } from '../stores/host.js';

export function HostBar({ onNewVm }: { onNewVm: () => void }) {
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
      <button className="primary" onClick={onNewVm}>
        New VM
      </button>
    </header>
  );
}
