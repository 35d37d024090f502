import type { Terminal } from '@xterm/xterm';
import { download } from '../../ui/download.js';

/** Everything the terminal holds (scrollback and screen) as plain text, one line per row, wrapped rows joined. */
export function scrollbackText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}

/** Saves it as `<stem>-<time>.log`. */
export function saveScrollback(term: Terminal, stem: string): void {
  download(new Blob([scrollbackText(term)], { type: 'text/plain;charset=utf-8' }), stem, 'log');
}
