import { createConnection } from 'node:net';

export class QmpError extends Error {
  override name = 'QmpError';
}

/**
 * Runs one QMP command on a guest's monitor socket and returns its `return` value.
 * A fresh connection per command keeps no state between app restarts.
 */
export function qmpExecute(socketPath: string, execute: string, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => fail(new QmpError(`QMP ${execute}: no answer in ${timeoutMs} ms`)), timeoutMs);
    let buffered = '';
    let negotiated = false;
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.on('error', (err) => fail(new QmpError(`QMP ${execute}: ${err.message}`)));
    socket.on('close', () => fail(new QmpError(`QMP ${execute}: the monitor closed the connection`)));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) handle(JSON.parse(line) as Record<string, unknown>);
      }
    });
    const handle = (message: Record<string, unknown>) => {
      if ('QMP' in message) return socket.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
      if ('event' in message) return;
      if ('error' in message) return fail(new QmpError(`QMP ${execute}: ${JSON.stringify(message.error)}`));
      if (!negotiated) {
        negotiated = true;
        return socket.write(JSON.stringify({ execute }) + '\n');
      }
      clearTimeout(timer);
      socket.end();
      resolve(message.return);
    };
  });
}
