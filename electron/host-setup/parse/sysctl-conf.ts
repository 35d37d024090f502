// /etc/sysctl.conf: one "oid=value" per line, "#" comments, applied in order at boot (sysctl -f), so the
// last line for an oid wins. A line sysctl(8) would not read as oid=value makes the file unknown here.

import { binaryProblem, type Edited, joinLines, splitLines } from './text-edit.js';

export type SysctlConf = { ok: true; values: ReadonlyMap<string, { value: string; line: number }> } | { ok: false; problem: string };

const SETTING = /^([A-Za-z0-9_.%-]+)[ \t]*=[ \t]*(.*?)[ \t]*$/;

export function readSysctlConf(text: string): SysctlConf {
  const binary = binaryProblem(text);
  if (binary) return { ok: false, problem: binary };
  const values = new Map<string, { value: string; line: number }>();
  const lines = splitLines(text);
  for (const [i, line] of lines.entries()) {
    const body = uncomment(line).trim();
    if (body === '') continue;
    const setting = SETTING.exec(body);
    if (!setting) return { ok: false, problem: `line ${i + 1} ("${body}") is not oid=value` };
    values.set(setting[1] as string, { value: unquote(setting[2] as string), line: i });
  }
  return { ok: true, values };
}

/** Sets oid=value: the line that wins now is changed (its comment kept), or the line is appended. */
export function sysctlConfEdit(text: string, oid: string, value: string): Edited {
  const conf = readSysctlConf(text);
  if (!conf.ok) return conf;
  const lines = splitLines(text);
  const current = conf.values.get(oid);
  if (!current) return { ok: true, text: joinLines([...lines, `${oid}=${value}`]) };
  const old = lines[current.line] ?? '';
  lines[current.line] = `${oid}=${value}${old.slice(uncomment(old).trimEnd().length)}`;
  return { ok: true, text: joinLines(lines) };
}

function uncomment(line: string): string {
  const hash = line.indexOf('#');
  return hash < 0 ? line : line.slice(0, hash);
}

function unquote(value: string): string {
  return /^"[^"]*"$/.test(value) ? value.slice(1, -1) : value;
}
