import { useEffect } from 'react';
import type { CheckArea, HostCheck } from '../../../../shared/api/host-setup.js';
import { useHost } from '../../stores/host.js';
import { useHostSetup } from '../../stores/host-setup.js';
import { CheckRow } from './CheckRow.js';
import { FixDialog } from './FixDialog.js';
import { GuestPanel } from './GuestPanel.js';
import './host-setup.css';

const AREAS: Record<CheckArea, string> = {
  bhyve: 'bhyve',
  persistence: 'After a reboot',
  linux: 'Linux (QEMU)',
  xen: 'Xen Dom0',
  virtualbox: 'VirtualBox on this host',
};

/** What this host can run, check by check, with fixes whose commands are shown before they run. */
export function HostSetupView() {
  const checks = useHostSetup((s) => s.checks);
  const loading = useHostSetup((s) => s.loading);
  const error = useHostSetup((s) => s.error);
  const areas = useHostSetup((s) => s.areas);
  const focus = useHostSetup((s) => s.focus);
  const fix = useHostSetup((s) => s.fix);
  const backend = useHost((s) => s.info?.backend);
  const { load, toggleArea } = useHostSetup.getState();

  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (focus && checks.length > 0) document.querySelector(`[data-check="${focus}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, checks]);

  const missing = checks.filter((c) => c.status === 'missing').length;
  const unknown = checks.filter((c) => c.status === 'unknown').length;
  return (
    <div className="host-setup">
      <header className="host-setup-header">
        <h2>Host setup</h2>
        <p className="hint">Each check reads this host as it is now and says what it found. A Fix shows its exact commands, and the diff of every file it changes, before anything runs.</p>
        <div className="host-setup-actions">
          <button onClick={() => void load()} disabled={loading}>
            {loading ? 'Checking…' : 'Check again'}
          </button>
          {backend === 'bhyve' &&
            (['xen', 'virtualbox'] as const).map((area) => (
              <label key={area} className="check">
                <input type="checkbox" checked={areas.includes(area)} onChange={(e) => void toggleArea(area, e.target.checked)} />
                Also check {AREAS[area]}
              </label>
            ))}
          {checks.length > 0 && (
            <span role="status" className="host-setup-count">
              {missing === 0 && unknown === 0 ? 'Everything is ready.' : `${missing} missing, ${unknown} unknown`}
            </span>
          )}
        </div>
        {error && (
          <p role="alert" className="error">
            {error.message}
          </p>
        )}
      </header>
      {(Object.keys(AREAS) as CheckArea[]).map((area) => (
        <AreaSection key={area} title={AREAS[area]} checks={checks.filter((c) => c.area === area)} focus={focus} />
      ))}
      <GuestPanel />
      {fix && <FixDialog key={fix.check.id} fix={fix} />}
    </div>
  );
}

function AreaSection({ title, checks, focus }: { title: string; checks: HostCheck[]; focus: string | undefined }) {
  if (checks.length === 0) return null;
  return (
    <section className="check-area" aria-label={title}>
      <h3>{title}</h3>
      {checks.map((c) => (
        <CheckRow key={`${c.id}:${c.choice?.options.join(',') ?? ''}`} check={c} focused={c.id === focus} />
      ))}
    </section>
  );
}
