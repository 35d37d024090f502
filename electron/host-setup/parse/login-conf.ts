// /etc/login.conf: getcap(3) records, "name|alias:cap=value:cap:...:" continued with a trailing backslash.
// Only the "default" record is read or edited; getcap takes a capability's first occurrence in a record.

import { binaryProblem, type Edited, joinLines, splitLines } from './text-edit.js';

interface LoginRecord {
  /** Line indexes of the record, first to last. */
  first: number;
  last: number;
}

export type LoginCapability = { ok: true; value: string | undefined; line?: number } | { ok: false; problem: string };

export function readLoginCapability(text: string, record: string, capability: string): LoginCapability {
  const binary = binaryProblem(text);
  if (binary) return { ok: false, problem: binary };
  const lines = splitLines(text);
  const found = findRecord(lines, record);
  if ('problem' in found) return { ok: false, problem: found.problem };
  for (let i = found.first; i <= found.last; i++) {
    const match = new RegExp(`:${capability}(?:=([^:]*))?(?::|\\\\?$)`).exec(lines[i] ?? '');
    if (match) return { ok: true, value: match[1] ?? '', line: i };
  }
  return { ok: true, value: undefined };
}

/** Sets capability=value in the record: its first occurrence changed, or a line added after the record's name. */
export function loginCapabilityEdit(text: string, record: string, capability: string, value: string): Edited {
  const current = readLoginCapability(text, record, capability);
  if (!current.ok) return current;
  const lines = splitLines(text);
  if (current.line !== undefined) {
    lines[current.line] = (lines[current.line] ?? '').replace(new RegExp(`:${capability}(=[^:]*)?(?=:|\\\\?$)`), `:${capability}=${value}`);
    return { ok: true, text: joinLines(lines) };
  }
  const found = findRecord(lines, record);
  if ('problem' in found) return { ok: false, problem: found.problem };
  lines.splice(found.first + 1, 0, `\t:${capability}=${value}:\\`);
  return { ok: true, text: joinLines(lines) };
}

function findRecord(lines: string[], record: string): LoginRecord | { problem: string } {
  const orphan = strayLine(lines);
  if (orphan !== undefined) return { problem: `line ${orphan + 1} ("${(lines[orphan] ?? '').trim()}") is outside any record: the record before it ends without a backslash` };
  const first = lines.findIndex((l) => /^[^\s#:]/.test(l) && (l.split(':')[0] ?? '').split('|').includes(record));
  if (first < 0) return { problem: `there is no "${record}" record` };
  let last = first;
  while ((lines[last] ?? '').endsWith('\\')) {
    if (last + 1 >= lines.length) return { problem: `the "${record}" record ends the file with a backslash: it is cut` };
    last += 1;
  }
  if (first === last) return { problem: `the "${record}" record is a single line; edit it by hand` };
  return { first, last };
}

/** An indented capability line that no record's backslash carries: a record was cut short by an edit. */
function strayLine(lines: string[]): number | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s+\S/.test(line) && !/^\s*#/.test(line) && !(lines[i - 1] ?? '').endsWith('\\')) return i;
  }
  return undefined;
}
