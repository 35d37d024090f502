import { connect } from 'node:net';
import * as pty from 'node-pty';
import { CuInput } from './cu-escape.js';
import { type ConsoleEndpoint, endpointArgv } from './endpoint.js';
import { DetachKeyInput, DirectInput, type LineInput } from './line-input.js';

export interface LineEnd {
  exitCode: number | null;
  signal: string | null;
}

/** One open connection to a console's line: bytes both ways until it ends (the program exits, the socket closes). */
export interface OpenLine {
  onData(listener: (bytes: Buffer) => void): void;
  onEnd(listener: (end: LineEnd) => void): void;
  write(bytes: Buffer): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

export interface LineConnection {
  line: OpenLine;
  /** The keys' way to it, ready (onOpen) once the line takes keys. */
  input: LineInput;
}

/** Opens an endpoint's line; `onOpen` runs once it takes keys. */
export function openLine(endpoint: ConsoleEndpoint, size: { cols: number; rows: number }, onOpen: () => void): LineConnection {
  if (endpoint.kind === 'socket') {
    const input = new DirectInput((bytes) => line.write(bytes), onOpen);
    const line = socketLine(endpoint.path, () => input.open());
    return { line, input };
  }
  const line = ptyLine(endpointArgv(endpoint) ?? [], size);
  const send = (bytes: Buffer) => line.write(bytes);
  return { line, input: endpoint.kind === 'cu' ? new CuInput(send, onOpen) : new DetachKeyInput(send, onOpen, endpoint.detachKey) };
}

function ptyLine([file = 'cu', ...args]: string[], size: { cols: number; rows: number }): OpenLine {
  // encoding null: output stays bytes, passed to every tab as read, never decoded and re-encoded.
  const child = pty.spawn(file, args, { name: 'xterm-256color', ...size, encoding: null, env: consoleEnvironment() });
  return {
    onData: (listener) => child.onData((data: string | Buffer) => listener(Buffer.isBuffer(data) ? data : Buffer.from(data))),
    onEnd: (listener) => child.onExit(({ exitCode, signal }) => listener({ exitCode, signal: signal ? String(signal) : null })),
    write: (bytes) => child.write(bytes),
    resize: (cols, rows) => child.resize(cols, rows),
    close: () => child.kill('SIGTERM'),
  };
}

function socketLine(path: string, connected: () => void): OpenLine {
  const socket = connect(path);
  socket.on('connect', connected);
  // A refused or broken connection ends the line like a program that exited; the session decides whether to retry.
  socket.on('error', () => undefined);
  return {
    onData: (listener) => socket.on('data', listener),
    onEnd: (listener) => socket.on('close', (failed) => listener({ exitCode: failed ? 1 : 0, signal: null })),
    write: (bytes) => void socket.write(bytes),
    resize: () => undefined,
    close: () => socket.destroy(),
  };
}

/**
 * A console program's environment: FreeBSD's cu (tip) would take its escape and end-of-line characters from
 * ~/.tiprc or $REMOTE, which the escape guard cannot see; neither is passed on.
 */
function consoleEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'REMOTE' && key !== 'HOME') env[key] = value;
  return { ...env, TERM: 'xterm-256color', HOME: '/nonexistent' };
}
