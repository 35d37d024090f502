/**
 * How a backend's serial console is reached; the session around it (replay, flow control, pacing, badges) is the
 * same for all of them.
 * - `cu`: `cu -l <device>` in a pty, on a serial device (bhyve's nmdm side, QEMU's pty), with cu's `~` escape guarded
 *   and its UUCP lock read to say who else holds the line.
 * - `pty`: a program that attaches to the console itself (`xl console <domain>`), in a pty; `detachKey` is the byte it
 *   takes as "detach" wherever it comes (xl console's Ctrl-]), which no tab may send.
 * - `socket`: a unix socket the hypervisor serves the line on (VirtualBox's `--uartmode1 server <path>`).
 */
export type ConsoleEndpoint = { kind: 'cu'; device: string } | { kind: 'pty'; argv: string[]; detachKey: number } | { kind: 'socket'; path: string };

/** The host command an endpoint runs (for the command log); a socket runs none. */
export function endpointArgv(endpoint: ConsoleEndpoint): string[] | undefined {
  if (endpoint.kind === 'cu') return ['cu', '-l', endpoint.device, '-s', '115200'];
  return endpoint.kind === 'pty' ? endpoint.argv : undefined;
}
