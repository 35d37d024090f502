import { useEffect, useRef, useState } from 'react';
import { useVms } from '../../stores/vms.js';
import { download } from '../../ui/download.js';
import { ConsoleButtons } from '../console/ConsoleButtons.js';
import { KeyTyper, type TypingProgress } from './key-typer.js';
import { keystrokes } from './keystrokes.js';
import { PasteKeysDialog } from './PasteKeysDialog.js';
import { type DisplayStatus, useDisplay } from './use-display.js';
import './display.css';

/** A guest's screen in a tab, with what a keyboard and a monitor cannot do from here. Closing it leaves the guest alone. */
export function DisplayView({ name, visible }: { name: string; visible: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const typer = useRef<KeyTyper>(null);
  const [scale, setScale] = useState(true);
  const [asking, setAsking] = useState(false);
  const [typing, setTyping] = useState<TypingProgress>();
  const { rfb, status, reconnect, sendPassword } = useDisplay(name, host, scale);
  const serialPorts = useVms((s) => s.byName[name]?.consoles);
  const connected = status.kind === 'connected';

  useEffect(() => {
    if (!connected) typer.current?.cancel();
  }, [connected]);
  useEffect(() => () => typer.current?.cancel(), []);
  // Keys go to the screen once the tab shows again or a dialog closed.
  useEffect(() => {
    if (visible && !asking && connected) rfb.current?.focus();
  }, [visible, asking, connected, rfb]);

  // A tool used, keys go to the screen again.
  const then = (action: () => void) => () => {
    action();
    rfb.current?.focus();
  };

  const type = (text: string) => {
    setAsking(false);
    const client = rfb.current;
    if (!client || typer.current?.running) return;
    typer.current = new KeyTyper(keystrokes(text), (keysym, code, down) => client.sendKey(keysym, code, down), setTyping);
  };

  return (
    <div className="display">
      <div className="display-status">
        <p aria-live="polite">
          {name} · screen: {describe(status)}
        </p>
        {status.kind === 'disconnected' && <button onClick={reconnect}>Reconnect</button>}
        {typing && !typing.done && (
          <div className="typing-progress">
            <label>
              Typing… {Math.floor((typing.typed / typing.total) * 100)} %
              <progress max={typing.total} value={typing.typed} aria-label="Typing progress" />
            </label>
            <button onClick={() => typer.current?.cancel()}>Cancel typing</button>
          </div>
        )}
        <div className="display-tools" role="toolbar" aria-label={`${name}'s screen`}>
          <button aria-pressed={scale} title="Scale the screen to fit this tab, or show it at its own size (scrolling)" onClick={then(() => setScale(!scale))}>
            Fit to tab
          </button>
          <button disabled={!connected} title="Send Ctrl-Alt-Del to the guest (the keys this computer keeps for itself)" onClick={then(() => rfb.current?.sendCtrlAltDel())}>
            Send Ctrl-Alt-Del
          </button>
          <button disabled={!connected || typing?.done === false} title="Type text into the guest key by key, for screens without a clipboard" onClick={() => setAsking(true)}>
            Paste as keystrokes…
          </button>
          <button disabled={!connected} title="Save the screen as a PNG image" onClick={then(() => rfb.current?.toBlob((blob) => blob && download(blob, `${name}-screen`, 'png'), 'image/png'))}>
            Screenshot
          </button>
          <ConsoleButtons name={name} ports={serialPorts ?? []} label="Serial console" />
        </div>
      </div>
      {status.kind === 'password' && <PasswordForm name={name} onSend={sendPassword} />}
      <div className={scale ? 'display-screen scaled' : 'display-screen'} ref={host} />
      {asking && <PasteKeysDialog name={name} onType={type} onCancel={() => setAsking(false)} />}
    </div>
  );
}

function describe(status: DisplayStatus): string {
  switch (status.kind) {
    case 'connecting':
      return 'connecting…';
    case 'connected':
      return 'connected';
    case 'password':
      return 'asks for its VNC password';
    case 'disconnected':
      return `disconnected: ${status.reason}`;
  }
}

/** bhyve's framebuffer with vnc_password asks for it before it shows anything. */
function PasswordForm({ name, onSend }: { name: string; onSend: (password: string) => void }) {
  const [password, setPassword] = useState('');
  const id = `display-password-${name}`;
  return (
    <form
      className="display-password"
      onSubmit={(event) => {
        event.preventDefault();
        onSend(password);
      }}
    >
      <label htmlFor={id}>VNC password (the guest’s vnc_password)</label>
      <input id={id} type="password" autoFocus autoComplete="off" value={password} onChange={(event) => setPassword(event.target.value)} />
      <button type="submit" className="primary">
        Connect
      </button>
    </form>
  );
}
