import { type DevfsRule, devfsRulesEdit, readDevfsRules } from '../parse/devfs.js';
import { missing, ok, type Outcome, type SetupContext, type Step } from '../check.js';
import { configText, groupAdd, inGroup, installStep, notInSession, onRunningSystem, readRcConf, sysrcStep } from '../steps.js';

export interface RuleWords {
  /** "the nmdm devices", "USB devices". */
  devices: string;
  /** What works once the rule and the group are there. */
  done: string;
  warnings: string[];
}

/**
 * Devices opened to the user through a group: a rule for them in the devfs ruleset rc.conf chooses (made, with
 * devfs_system_ruleset, when there is none), `service devfs restart` to apply it now, and the user in the group.
 */
export async function devfsGroupRule(ctx: SetupContext, user: string, rule: DevfsRule, words: RuleWords): Promise<Outcome> {
  const rc = await readRcConf(ctx);
  if (!rc.ok) return rc.outcome;
  const rules = await configText(ctx, '/etc/devfs.rules');
  if (!rules.ok) return rules.outcome;
  const group = await inGroup(ctx, user, rule.group);
  if ('outcome' in group) return group.outcome;
  const ruleset = rc.get('devfs_system_ruleset');
  const name = ruleset.value || undefined;
  const parsed = readDevfsRules(rules.text);
  const found = parsed.ok ? parsed.rulesets.find((r) => r.name === name || String(r.number) === name) : undefined;
  const ruled = !!found?.rules.some((r) => r.path === rule.path && r.mode === rule.mode && r.group === rule.group);
  const evidence = [
    ruleset.line ?? 'rc.conf: devfs_system_ruleset is not set',
    !parsed.ok ? `/etc/devfs.rules: ${parsed.problem}` : ruled ? `/etc/devfs.rules [${found?.name}]: add path '${rule.path}' mode ${rule.mode} group ${rule.group}` : `/etc/devfs.rules: no rule for '${rule.path}' in ${name ? `[${name}]` : 'a system ruleset'}`,
    ...group.evidence,
  ];
  if (ruled && group.member) {
    if (await notInSession(ctx, user, rule.group)) return missing(`${user} joined ${rule.group}, but this login session started before that.`, evidence, { manual: `Log out and in again so the session has the ${rule.group} group.` });
    return ok(words.done, evidence);
  }
  const summary = ruled ? `${user} is not in ${rule.group}.` : `No devfs rule gives ${words.devices} to ${rule.group}.`;
  const steps: Step[] = [];
  const warnings = group.member ? [] : [...words.warnings];
  if (!ruled) {
    const edit = devfsRulesEdit(rules.text, name, [rule]);
    if (!edit.ok) return missing(summary, evidence, { manual: edit.problem });
    steps.push(await installStep(ctx, '/etc/devfs.rules', rules.text, edit.text));
    if (!name && edit.ruleset) {
      const sysrc = sysrcStep(ctx, ruleset.file, ruleset.text, 'devfs_system_ruleset', edit.ruleset);
      if ('problem' in sysrc) return missing(summary, evidence, { manual: sysrc.problem });
      steps.push(sysrc);
    }
    const restart = onRunningSystem(ctx, ['service', 'devfs', 'restart']);
    steps.push(...restart.steps);
    warnings.push(...(restart.warnings ?? []));
  }
  if (!group.member) steps.push(groupAdd(ctx, user, rule.group));
  return missing(summary, evidence, { fix: { steps, warnings } });
}
