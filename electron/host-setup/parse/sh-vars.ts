// rc.conf and loader.conf: sh-style variable assignments. Read as sh would read the simple ones (quotes, escapes,
// trailing comments, line continuations); anything else (sourced files, tests, expansions) makes the value
// unknown rather than guessed. Edits go through sysrc(8); sysrcEdit shows what sysrc will write, so the diff
// can be shown before it runs.

import { binaryProblem, type Edited, joinLines, splitLines } from './text-edit.js';

export interface ShVar {
  /** null: the value needs an expansion ($, `) that is not evaluated here. */
  value: string | null;
  /** 0-based index of the line of the last assignment (the one sh keeps). */
  line: number;
}

export type ShVars = { ok: true; vars: ReadonlyMap<string, ShVar> } | { ok: false; problem: string };

/** loader.conf names may hold dots (kern.hz, hint.uart.0.flags): read them too. */
const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

export function readShVars(text: string): ShVars {
  const binary = binaryProblem(text);
  if (binary) return { ok: false, problem: binary };
  const vars = new Map<string, ShVar>();
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let statement = lines[i] ?? '';
    // A backslash at the end, or an open quote, carries the statement onto the next line.
    while ((endsWithEscape(statement) || openQuote(statement)) && i + 1 < lines.length) statement = `${statement}\n${lines[++i]}`;
    const parsed = parseStatement(statement);
    if ('problem' in parsed) return { ok: false, problem: `line ${start + 1}: ${parsed.problem}` };
    for (const [name, value] of parsed.assignments) vars.set(name, { value, line: start });
  }
  return { ok: true, vars };
}

type Statement = { assignments: [string, string | null][] } | { problem: string };

function parseStatement(statement: string): Statement {
  const assignments: [string, string | null][] = [];
  let rest = statement.replace(/^[ \t]+/, '');
  while (rest !== '' && !rest.startsWith('#')) {
    const eq = rest.indexOf('=');
    const name = eq < 0 ? '' : rest.slice(0, eq);
    if (!NAME.test(name)) return { problem: `"${firstLine(statement)}" is shell code Hivedesk does not evaluate` };
    const word = readWord(rest.slice(eq + 1));
    if ('problem' in word) return word;
    assignments.push([name, word.value]);
    rest = word.rest.replace(/^[ \t]+/, '');
    if (rest.startsWith(';')) rest = rest.slice(1).replace(/^[ \t]+/, '');
  }
  return { assignments };
}

/** One sh word: unquoted, "double" and 'single' parts; $ and ` make the value unknown. */
function readWord(input: string): { value: string | null; rest: string } | { problem: string } {
  let value = '';
  let dynamic = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === ' ' || c === '\t' || c === ';') break;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return { problem: 'a single quote is not closed' };
      value += input.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const read = readDoubleQuoted(input, i + 1);
      if ('problem' in read) return read;
      value += read.value;
      dynamic ||= read.dynamic;
      i = read.end + 1;
    } else if (c === '\\') {
      if (input[i + 1] !== '\n') value += input[i + 1] ?? '';
      i += 2;
    } else if (c === '$' || c === '`') {
      dynamic = true;
      i += 1;
    } else {
      value += c;
      i += 1;
    }
  }
  return { value: dynamic ? null : value, rest: input.slice(i) };
}

function readDoubleQuoted(input: string, from: number): { value: string; dynamic: boolean; end: number } | { problem: string } {
  let value = '';
  let dynamic = false;
  for (let i = from; i < input.length; i++) {
    const c = input[i] as string;
    if (c === '"') return { value, dynamic, end: i };
    if (c === '\\' && '"\\$`\n'.includes(input[i + 1] ?? '')) {
      if (input[i + 1] !== '\n') value += input[i + 1];
      i += 1;
    } else if (c === '$' || c === '`') dynamic = true;
    else value += c;
  }
  return { problem: 'a double quote is not closed' };
}

function endsWithEscape(statement: string): boolean {
  return /(^|[^\\])(\\\\)*\\$/.test(statement) && !statement.trimStart().startsWith('#');
}

/** An odd number of unescaped quotes outside comments: the statement goes on on the next line. */
function openQuote(statement: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < statement.length; i++) {
    const c = statement[i];
    if (quote === undefined && c === '#' && (i === 0 || /\s/.test(statement[i - 1] ?? ''))) return false;
    if (c === '\\' && quote !== "'") i += 1;
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
  }
  return quote !== undefined;
}

function firstLine(statement: string): string {
  const line = statement.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/**
 * What `sysrc [-f file] name=value` (or `name+=words`) leaves in the file: the last assignment's line
 * replaced by name="value" (a trailing comment kept), or the line appended. `append` adds only the words
 * that are missing, as sysrc's += does. A file sysrc would not read the way it is read here is not edited.
 */
export function sysrcEdit(text: string, name: string, value: string, append = false): Edited {
  const vars = readShVars(text);
  if (!vars.ok) return { ok: false, problem: vars.problem };
  const current = vars.vars.get(name);
  if (current && current.value === null) return { ok: false, problem: `${name} is set with an expansion Hivedesk does not evaluate` };
  const words = (current?.value ?? '').split(/\s+/).filter(Boolean);
  const next = append ? [...words, ...value.split(/\s+/).filter((w) => w && !words.includes(w))].join(' ') : value;
  const fresh = `${name}="${next}"`;
  const lines = splitLines(text);
  if (!current) return { ok: true, text: joinLines([...lines, fresh]) };
  const old = lines[current.line] ?? '';
  const alone = parseStatement(old);
  if (!new RegExp(`^[ \\t]*${name}=`).test(old) || endsWithEscape(old) || openQuote(old) || !('assignments' in alone) || alone.assignments.length !== 1) {
    return { ok: false, problem: `line ${current.line + 1} sets ${name} in a way sysrc would rewrite differently; edit it by hand` };
  }
  const comment = /[ \t]+#.*$/.exec(old.slice(old.indexOf('=')))?.[0] ?? '';
  lines[current.line] = fresh + comment;
  return { ok: true, text: joinLines(lines) };
}
