// Check shapes several areas share: files a package installs, and a name="YES" in rc.conf or loader.conf.

import { readShVars } from '../parse/sh-vars.js';
import { type CheckDef, type Fix, missing, ok, type Outcome, type SetupContext, unknown } from '../check.js';
import { configText, pkgInstall, readRcConf, sysrcStep } from '../steps.js';

/** Installed when its files are there; the fix is `pkg install`. */
export function packageCheck(def: Omit<CheckDef, 'run'>, files: string[], packages: string[], what: string): CheckDef {
  return {
    ...def,
    async run(ctx) {
      const found = await Promise.all(files.map((f) => ctx.host.exists(f)));
      const evidence = files.map((f, i) => `${f}: ${found[i] ? 'present' : 'missing'}`);
      if (found.every(Boolean)) return ok(`${what} is installed.`, evidence);
      return missing(`${what} is not installed.`, evidence, { fix: { steps: [pkgInstall(ctx, ...packages)] } });
    },
  };
}

interface Setting {
  value: string | null | undefined;
  /** The file sysrc edits for it, its text, and the line read (evidence). */
  file: string;
  text: string;
  line: string;
}

/** A name's value in rc.conf (with rc.conf.local) or loader.conf, or the outcome that it cannot be read. */
async function readSetting(ctx: SetupContext, file: '/etc/rc.conf' | '/boot/loader.conf', name: string): Promise<Setting | { outcome: Outcome }> {
  if (file === '/etc/rc.conf') {
    const rc = await readRcConf(ctx);
    if (!rc.ok) return { outcome: rc.outcome };
    const found = rc.get(name);
    return { value: found.value, file: found.file, text: found.text, line: found.line ?? `rc.conf: ${name} is not set` };
  }
  const text = await configText(ctx, file);
  if (!text.ok) return { outcome: text.outcome };
  const vars = readShVars(text.text);
  if (!vars.ok) return { outcome: unknown(`Cannot read ${file}.`, [`${file}: ${vars.problem}`]) };
  const found = vars.vars.get(name);
  return { value: found?.value, file, text: text.text, line: found ? `${file}: ${text.text.split('\n')[found.line] ?? ''}` : `${file}: ${name} is not set` };
}

/** name="YES" in rc.conf or loader.conf, set with sysrc when it is not. */
export function yesCheck(def: Omit<CheckDef, 'run'>, file: '/etc/rc.conf' | '/boot/loader.conf', name: string, words: { on: string; off: string; warnings?: string[] }): CheckDef {
  return {
    ...def,
    async run(ctx) {
      const setting = await readSetting(ctx, file, name);
      if ('outcome' in setting) return setting.outcome;
      if (/^yes$/i.test(setting.value ?? '')) return ok(words.on, [setting.line]);
      const step = sysrcStep(ctx, setting.file, setting.text, name, 'YES');
      if ('problem' in step) return missing(words.off, [setting.line], { manual: step.problem });
      const fix: Fix = { steps: [step], ...(words.warnings ? { warnings: words.warnings } : {}) };
      return missing(words.off, [setting.line], { fix });
    },
  };
}
