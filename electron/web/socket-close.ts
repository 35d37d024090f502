import type { WebSocket } from 'ws';

/** A close frame's reason holds at most 123 bytes; ws throws on more, so longer text is cut at a character. */
const REASON_BYTES = 123;

export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  let cut = reason.slice(0, REASON_BYTES);
  while (Buffer.byteLength(cut) > REASON_BYTES) cut = cut.slice(0, -1);
  ws.close(code, cut);
}
