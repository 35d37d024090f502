// /etc/ttys: "name getty type status [secure] [...]"; the getty and type may be quoted. A line for a
// device is the one init(8) uses; a line whose quotes do not close makes the file unknown here.

import { binaryProblem, type Edited, joinLines, splitLines } from './text-edit.js';

export interface TtyLine {
  line: number;
  name: string;
  /** on, off, onifconsole, onifexists… */
  status: string | undefined;
}

export type Ttys = { ok: true; ttys: readonly TtyLine[] } | { ok: false; problem: string };

export function readTtys(text: string): Ttys {
  const binary = binaryProblem(text);
  if (binary) return { ok: false, problem: binary };
  const ttys: TtyLine[] = [];
  for (const [i, line] of splitLines(text).entries()) {
    if (/^\s*(#|$)/.test(line)) continue;
    const fields: string[] = line.match(/"[^"]*"|[^\s"]+|"/g) ?? [];
    if (fields.includes('"')) return { ok: false, problem: `line ${i + 1} has a quote that is not closed` };
    ttys.push({ line: i, name: fields[0] ?? '', status: fields[3] });
  }
  return { ok: true, ttys };
}

/** Adds `entry` for its device, or turns the device's existing line into it. */
export function ttysEdit(text: string, entry: string): Edited {
  const ttys = readTtys(text);
  if (!ttys.ok) return ttys;
  const name = entry.split(/\s/)[0];
  const lines = splitLines(text);
  const existing = ttys.ttys.find((t) => t.name === name);
  if (existing) lines[existing.line] = entry;
  else lines.push(entry);
  return { ok: true, text: joinLines(lines) };
}
