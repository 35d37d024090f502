// devfs(8) configuration. /etc/devfs.conf: "action device argument" lines (link, own, perm), applied in order
// at boot, so the last line for a device and action wins. /etc/devfs.rules: "[name=number]" rulesets of
// "add path 'pattern' mode M group G" rules; the one named by rc.conf's devfs_system_ruleset applies to /dev.

import { binaryProblem, type Edited, joinLines, splitLines } from './text-edit.js';

export interface DevfsConfLine {
  action: 'link' | 'own' | 'perm';
  device: string;
  argument: string;
}

export type DevfsConf = { ok: true; lines: readonly DevfsConfLine[] } | { ok: false; problem: string };

export function readDevfsConf(text: string): DevfsConf {
  const binary = binaryProblem(text);
  if (binary) return { ok: false, problem: binary };
  const lines: DevfsConfLine[] = [];
  for (const [i, raw] of splitLines(text).entries()) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    const [word, device, argument] = fields;
    // rc.d/devfs reads only an action's first letter: "l*", "o*", "p*".
    const action = ({ l: 'link', o: 'own', p: 'perm' } as const)[word?.[0] as 'l' | 'o' | 'p'];
    if (action === undefined || device === undefined || argument === undefined || fields.length > 3) {
      return { ok: false, problem: `line ${i + 1} ("${raw.trim()}") is not "link|own|perm device argument"` };
    }
    lines.push({ action, device, argument });
  }
  return { ok: true, lines };
}

/** Whether the line that wins for this device and action is the wanted one. */
export function devfsConfHas(conf: readonly DevfsConfLine[], wanted: DevfsConfLine): boolean {
  const last = conf.filter((l) => l.action === wanted.action && l.device === wanted.device).at(-1);
  return last?.argument === wanted.argument;
}

/** Appends the wanted lines that do not win yet: a later line overrides an earlier one, so nothing is removed. */
export function devfsConfEdit(text: string, wanted: readonly DevfsConfLine[], comment: string): Edited {
  const conf = readDevfsConf(text);
  if (!conf.ok) return conf;
  const missing = wanted.filter((w) => !devfsConfHas(conf.lines, w));
  if (missing.length === 0) return { ok: true, text: text === '' ? '' : joinLines(splitLines(text)) };
  return { ok: true, text: joinLines([...splitLines(text), `# ${comment}`, ...missing.map((w) => `${w.action}\t${w.device}\t${w.argument}`)]) };
}

export interface DevfsRule {
  path: string;
  mode: string;
  group: string;
}

interface Ruleset {
  name: string;
  number: number;
  header: number;
  /** Index of the ruleset's last line (a rule or its header). */
  end: number;
  rules: DevfsRule[];
}

export type DevfsRules = { ok: true; rulesets: readonly Ruleset[] } | { ok: false; problem: string };

const RULE = /^add\s+path\s+(?:'([^']*)'|"([^"]*)"|(\S+))((?:\s+\S+)*)$/;

export function readDevfsRules(text: string): DevfsRules {
  const binary = binaryProblem(text);
  if (binary) return { ok: false, problem: binary };
  const rulesets: Ruleset[] = [];
  for (const [i, raw] of splitLines(text).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const header = /^\[([\w-]+)=(\d+)\]$/.exec(line);
    if (header) {
      rulesets.push({ name: header[1] as string, number: Number(header[2]), header: i, end: i, rules: [] });
      continue;
    }
    const current = rulesets.at(-1);
    if (!current) return { ok: false, problem: `line ${i + 1} ("${line}") comes before any [ruleset=number] header` };
    current.end = i;
    const rule = RULE.exec(line);
    if (rule) current.rules.push({ path: rule[1] ?? rule[2] ?? rule[3] ?? '', mode: option(rule[4], 'mode'), group: option(rule[4], 'group') });
    else if (!/^add\s+(include|path|type|-)/.test(line)) return { ok: false, problem: `line ${i + 1} ("${line}") is not a devfs rule` };
  }
  return { ok: true, rulesets };
}

function option(tail: string | undefined, name: string): string {
  const words = (tail ?? '').trim().split(/\s+/);
  const at = words.indexOf(name);
  return at < 0 ? '' : (words[at + 1] ?? '');
}

export function rulesetHas(rules: DevfsRules, ruleset: string | undefined, wanted: DevfsRule): boolean {
  if (!rules.ok || !ruleset) return false;
  const found = rules.rulesets.find((r) => r.name === ruleset || String(r.number) === ruleset);
  return !!found?.rules.some((r) => r.path === wanted.path && r.mode === wanted.mode && r.group === wanted.group);
}

/**
 * Adds the wanted rules to the system ruleset: at the end of its section when /etc/devfs.rules has it, or in
 * [localrules=N] (the handbook's name; made when missing) when no ruleset is chosen yet. Returns the ruleset's name.
 */
export function devfsRulesEdit(text: string, systemRuleset: string | undefined, wanted: readonly DevfsRule[]): Edited & { ruleset?: string } {
  const rules = readDevfsRules(text);
  if (!rules.ok) return rules;
  const lines = splitLines(text);
  const render = (r: DevfsRule) => `add path '${r.path}' mode ${r.mode} group ${r.group}`;
  if (systemRuleset) {
    const found = rules.rulesets.find((r) => r.name === systemRuleset || String(r.number) === systemRuleset);
    if (!found) return { ok: false, problem: `devfs_system_ruleset is "${systemRuleset}", which /etc/devfs.rules does not define (it may be one of /etc/defaults/devfs.rules): add the rule by hand` };
    const missing = wanted.filter((w) => !found.rules.some((r) => r.path === w.path && r.mode === w.mode && r.group === w.group));
    lines.splice(found.end + 1, 0, ...missing.map(render));
    return { ok: true, text: joinLines(lines), ruleset: found.name };
  }
  const local = rules.rulesets.find((r) => r.name === 'localrules');
  if (local) {
    lines.splice(local.end + 1, 0, ...wanted.filter((w) => !local.rules.some((r) => r.path === w.path && r.mode === w.mode && r.group === w.group)).map(render));
    return { ok: true, text: joinLines(lines), ruleset: local.name };
  }
  const taken = new Set(rules.rulesets.map((r) => r.number));
  let number = 10;
  while (taken.has(number)) number += 1;
  const name = 'localrules';
  return { ok: true, text: joinLines([...lines, `[${name}=${number}]`, ...wanted.map(render)]), ruleset: name };
}
