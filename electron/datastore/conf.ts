// vm-bhyve guest .conf files. Reading mirrors lib/vm-config (config::load + config::get) quirk for quirk,
// because a guest must mean the same thing to `vm` and to Hivedesk.

/** A parsed file: keeps the original lines so edits preserve comments, unknown keys and order. */
export interface ConfDocument { readonly lines: readonly string[]; readonly endsWithNewline: boolean }

export function parseConf(text: string): ConfDocument {
  if (text === '') return { lines: [], endsWithNewline: false };
  const lines = text.split('\n');
  const endsWithNewline = lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

export function serializeConf(doc: ConfDocument): string {
  return doc.lines.join('\n') + (doc.endsWithNewline && doc.lines.length > 0 ? '\n' : '');
}

/** The [key, value] vm-bhyve sees on a line, or undefined when it skips the line. */
function readLine(line: string): [string, string] | undefined {
  // grep '^[a-z]': indented, blank, comment and upper-case lines never count.
  if (!/^[a-z]/.test(line)) return undefined;
  const hash = line.indexOf('#');
  // awk -F# | sed 's@ *$@@' | tr -d '"', in that order: only spaces (not tabs) are trimmed, and before the
  // quotes go, so `k="a "` keeps its space while `k="a"  ` does not. Only \n splits lines, so a CR stays in the value.
  const text = (hash < 0 ? line : line.slice(0, hash)).replace(/ +$/, '').replaceAll('"', '');
  // ${line%%=*} / ${line#*=}: no spaces are stripped around '=', so `memory = 1G` defines "memory " (not memory),
  // and a line without '=' is both key and value. The unquoted `for` in config::get would also glob-expand a line,
  // but only against files named like the whole `key=value` line in vm-bhyve's cwd, so that is not modelled.
  const eq = text.indexOf('=');
  return eq < 0 ? [text, text] : [text.slice(0, eq), text.slice(eq + 1)];
}

function effectiveIndex(doc: ConfDocument, key: string): number {
  return doc.lines.findIndex((line) => readLine(line)?.[0] === key);
}

/** vm-bhyve's reading: first occurrence wins; only lines starting with a lower-case letter; everything from the first '#' dropped (even inside quotes); every '"' removed; trailing spaces trimmed. Returns undefined if absent. */
export function getValue(doc: ConfDocument, key: string): string | undefined {
  return valuesOf(doc).get(key);
}

/** All effective key/values in file order (first occurrence per key), keys exactly as vm-bhyve splits them. */
export function entries(doc: ConfDocument): Array<[string, string]> {
  return [...valuesOf(doc)];
}

/**
 * Each document's values, read in one pass when first asked: a guest's config asks some thirty
 * keys, and the VM list reads every guest every second. Documents are never changed in place
 * (`setValue` makes a new one), so what was read stays true.
 */
const readValues = new WeakMap<ConfDocument, ReadonlyMap<string, string>>();

function valuesOf(doc: ConfDocument): ReadonlyMap<string, string> {
  let values = readValues.get(doc);
  if (values) return values;
  const seen = new Map<string, string>();
  for (const line of doc.lines) {
    const kv = readLine(line);
    if (kv !== undefined && !seen.has(kv[0])) seen.set(kv[0], kv[1]);
  }
  readValues.set(doc, (values = seen));
  return values;
}

const KEY_RE = /^[a-z][a-z0-9_]*$/;
// '"' and '#' would not read back; \ $ ` are live inside sh double quotes (sysrc sources the file);
// a line break would split the line (CR included: it is never intended and invisible in editors).
const BAD_VALUE_RE = /["#\\$`\n\r\0]/;

/** Like `sysrc -f file key=value`: replaces the line of the effective (first) occurrence in place as key="value", or appends key="value" at the end (making sure the previous last line ends with a newline). Throws RangeError for keys not matching ^[a-z][a-z0-9_]*$ and for values holding '"', '#', CR/LF, NUL, '\\', '$' or '`'. */
export function setValue(doc: ConfDocument, key: string, value: string): ConfDocument {
  if (!KEY_RE.test(key)) throw new RangeError(`invalid vm-bhyve config key: ${JSON.stringify(key)}`);
  if (BAD_VALUE_RE.test(value)) throw new RangeError(`value for ${key} holds a character vm-bhyve cannot store`);
  const fresh = `${key}="${value}"`;
  const index = effectiveIndex(doc, key);
  // The first occurrence, not the last as sysrc edits, because the first is the one vm-bhyve reads.
  if (index < 0) return { lines: [...doc.lines, fresh], endsWithNewline: true };
  const old = doc.lines[index] ?? '';
  const comment = old.search(/[ \t]*#/); // kept, as sysrc keeps a trailing comment
  const lines = [...doc.lines];
  lines[index] = comment < 0 ? fresh : fresh + old.slice(comment);
  return { lines, endsWithNewline: doc.endsWithNewline };
}

/** Like `sysrc -x`: removes every line that defines key (as vm-bhyve would read it). */
export function removeKey(doc: ConfDocument, key: string): ConfDocument {
  const lines = doc.lines.filter((line) => readLine(line)?.[0] !== key);
  const lastRemoved = doc.lines.length > 0 && readLine(doc.lines[doc.lines.length - 1] ?? '')?.[0] === key;
  // Dropping an unterminated last line leaves the previous line's newline as the file's end.
  return { lines, endsWithNewline: lines.length > 0 && (doc.endsWithNewline || lastRemoved) };
}

/**
 * Renames or removes keys line by line, in place: `rename` gets each key as vm-bhyve reads it and
 * returns its new name, null to drop the line, or the key itself to leave it. What follows the key
 * on the line (value, quotes, comment) is kept as it is.
 */
export function renameKeys(doc: ConfDocument, rename: (key: string) => string | null): ConfDocument {
  const lines: string[] = [];
  let lastDropped = false;
  doc.lines.forEach((line, i) => {
    const key = readLine(line)?.[0];
    const to = key === undefined ? key : rename(key);
    lastDropped = to === null && i === doc.lines.length - 1;
    if (to === null) return;
    lines.push(key === undefined || to === undefined || to === key ? line : to + line.slice(key.length));
  });
  return { lines, endsWithNewline: lines.length > 0 && (doc.endsWithNewline || lastDropped) };
}

/** yes/no the vm-bhyve way (util::yesno): undefined, '', no, false, off, 0 (case-insensitive, exact) are false; anything else true. */
export function isYes(value: string | undefined): boolean {
  return value !== undefined && value !== '' && !/^(no|false|off|0)$/i.test(value);
}

/** Indexed keys: reads prefix0_suffix, prefix1_suffix… (prefix0, prefix1… when suffix is '') from 0 upward, stopping at the first missing index. */
export function indexed(doc: ConfDocument, prefix: string, suffix: string): string[] {
  const values: string[] = [];
  for (let i = 0; ; i++) {
    const value = getValue(doc, suffix === '' ? `${prefix}${i}` : `${prefix}${i}_${suffix}`);
    // vm-run's loops test [ -z "$value" ], so an empty value ends the list just like a missing key.
    if (value === undefined || value === '') return values;
    values.push(value);
  }
}
