import { useEffect, useState } from 'react';
import type { BackendInfo } from '../../../../shared/api/backends.js';
import { CheckArea, type HostCheck } from '../../../../shared/api/host-setup.js';
import type { ProfileId } from '../../../../shared/profiles.js';
import { invoke } from '../../api/client.js';
import { useHostSetup } from '../../stores/host-setup.js';
import { useWorkspace } from '../../stores/workspace.js';
import { HOST_SETUP } from '../../workspace/views.js';
import './host-setup.css';

/** In the New VM wizard: the host checks this guest depends on that fail, each a link to its Fix. */
export function HostSetupHints({ profile, backend, onOpen }: { profile: ProfileId; backend: BackendInfo | undefined; onOpen: () => void }) {
  const [failing, setFailing] = useState<HostCheck[]>([]);
  useEffect(() => {
    if (!backend) return;
    const relevant = backend.hostChecks[profile];
    // Xen's and VirtualBox's checks are an area of their own, run only when asked for.
    const area = CheckArea.safeParse(backend.id);
    let current = true;
    void invoke('runHostChecks', area.success ? { areas: [area.data] } : {}).then((result) => {
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
