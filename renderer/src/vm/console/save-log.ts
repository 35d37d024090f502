import type { Terminal } from '@xterm/xterm';

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

/** Saves it as `<stem>-<time>.log` through the browser's (or Electron's) download. */
export function saveScrollback(term: Terminal, stem: string): void {
  const blob = new Blob([scrollbackText(term)], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${stem}-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.log`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
