import { useEffect, useState } from 'react';
import { checksForLoader, type HostCheck } from '../../../../shared/api/host-setup.js';
import { PROFILES, type ProfileId } from '../../../../shared/profiles.js';
import { invoke } from '../../api/client.js';
import { useHost } from '../../stores/host.js';
import { useHostSetup } from '../../stores/host-setup.js';
import { useWorkspace } from '../../stores/workspace.js';
import { HOST_SETUP } from '../../workspace/views.js';
import './host-setup.css';

const QEMU_CHECKS = ['linux-qemu', 'linux-kvm', 'linux-cu'];

/** In the New VM wizard: the host checks this guest depends on that fail, each a link to its Fix. */
export function HostSetupHints({ profile, onOpen }: { profile: ProfileId; onOpen: () => void }) {
  const backend = useHost((s) => s.info?.backend);
  const [failing, setFailing] = useState<HostCheck[]>([]);
  useEffect(() => {
    if (!backend) return;
    const relevant = backend === 'bhyve' ? checksForLoader(PROFILES[profile].bhyveLoader) : QEMU_CHECKS;
    let current = true;
    void invoke('runHostChecks', {}).then((result) => {
      if (current && result.ok) setFailing(result.value.checks.filter((c) => relevant.includes(c.id) && c.status !== 'ok'));
    });
    return () => {
      current = false;
    };
  }, [backend, profile]);
  if (failing.length === 0) return null;
  const open = (id: string) => {
    useHostSetup.getState().setFocus(id);
    useWorkspace.getState().open(HOST_SETUP);
    onOpen();
  };
  return (
    <div className="host-hints" role="note" aria-label="Host setup">
      <p>This host is not ready for this guest yet:</p>
      <ul>
        {failing.map((c) => (
          <li key={c.id}>
            <button type="button" className="link" onClick={() => open(c.id)}>
              {c.title}
            </button>{' '}
            {c.summary}
          </li>
        ))}
      </ul>
    </div>
  );
}
