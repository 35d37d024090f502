import { useState } from 'react';
import { GUEST_SETTINGS } from './guest-settings.js';

/** FreeBSD as a guest elsewhere: settings to copy into the guest. Nothing here touches this host. */
export function GuestPanel() {
  const [shown, setShown] = useState(GUEST_SETTINGS[0]?.id);
  const hypervisor = GUEST_SETTINGS.find((h) => h.id === shown);
  return (
    <section className="guest-panel" aria-labelledby="guest-panel-title">
      <h3 id="guest-panel-title">FreeBSD as a guest</h3>
      <p className="hint">Settings inside a FreeBSD guest of another hypervisor (handbook 24.2 to 24.4). Copy them into the guest; nothing here changes this host.</p>
      <div className="guest-choices" role="group" aria-label="Hypervisor">
        {GUEST_SETTINGS.map((h) => (
          <button key={h.id} aria-pressed={h.id === shown} onClick={() => setShown(h.id)}>
            {h.name}
          </button>
        ))}
      </div>
      {hypervisor && (
        <ul className="guest-snippets" aria-label={`${hypervisor.name} guest settings`}>
          {hypervisor.snippets.map((s) => (
            <li key={`${s.where}:${s.text}`}>
              <div className="snippet-head">
                <strong>{s.where}</strong>
                <button aria-label={`Copy ${s.where}: ${s.text.split('\n')[0] ?? ''}`} onClick={() => void navigator.clipboard?.writeText(s.text)}>
                  Copy
                </button>
              </div>
              <pre>{s.text}</pre>
              <p className="hint">{s.why}</p>
            </li>
          ))}
          {hypervisor.kernel && (
            <li>
              <strong>A custom kernel can leave out</strong>
              <p className="hint">{hypervisor.kernel}</p>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
