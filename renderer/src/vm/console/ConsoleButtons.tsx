import type { ConsolePort } from '../../../../shared/api/consoles.js';
import { useWorkspace } from '../../stores/workspace.js';

interface Props {
  name: string;
  /** The guest's serial ports; none leaves the one button off. */
  ports: readonly ConsolePort[];
  /** The button's words: "Console", "Serial console". */
  label: string;
  disabled?: boolean;
}

/** Opens a guest's serial console: one button for one port, one per port ("Console com2") when it has more. */
export function ConsoleButtons({ name, ports, label, disabled = false }: Props) {
  const open = (port: ConsolePort) => useWorkspace.getState().open({ kind: 'console', name, port });
  const [only] = ports;
  if (ports.length <= 1) {
    return (
      <button disabled={disabled || !only} title={only ? `Open ${name}'s serial console (${only})` : `${name} has no serial console`} onClick={() => only && open(only)}>
        {label}
      </button>
    );
  }
  return (
    <>
      {ports.map((port) => (
        <button key={port} disabled={disabled} title={`Open ${name}'s serial console ${port}`} onClick={() => open(port)}>
          {label} {port}
        </button>
      ))}
    </>
  );
}
