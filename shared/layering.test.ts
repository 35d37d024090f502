import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * The folder is the runtime, and `npm run lint` holds each folder to it (eslint.config.js). These
 * cases make sure the rules bite: a pattern that matched nothing would pass every real file too.
 */
const eslint = new ESLint({ cwd: join(import.meta.dirname, '..'), overrideConfig: [tseslint.configs.disableTypeChecked] });

async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals' || m.fatal)
    .map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

async function refused(file: string, source: string): Promise<boolean> {
  return (await refusals(file, `import '${source}';\n`)).length > 0;
}

test('host/, datastore/, consoles/, backends/ and host-setup/ never import app/ (their tests may)', { timeout: 60_000 }, async () => {
  assert.equal(await refused('electron/host/probe.ts', '../app/core.js'), true);
  assert.equal(await refused('electron/datastore/probe.ts', '../app/vm-service.js'), true);
  assert.equal(await refused('electron/consoles/probe.ts', '../app/event-hub.js'), true);
  assert.equal(await refused('electron/backends/qemu/probe.ts', '../../app/host.js'), true);
  assert.equal(await refused('electron/backends/probe.ts', '../../electron/app/host.js'), true);
  assert.equal(await refused('electron/host-setup/checks/probe.ts', '../../app/core.js'), true);
  assert.equal(await refused('electron/backends/qemu/probe.ts', '../../errors.js'), false);
  assert.equal(await refused('electron/backends/qemu/probe.test.ts', '../../app/host.js'), false);
  assert.equal(await refused('electron/app/probe.ts', '../host/run.js'), false);
});

test('shared/ imports nothing but zod and itself, and touches no Node or DOM global', { timeout: 60_000 }, async () => {
  assert.equal(await refused('shared/probe.ts', 'zod'), false);
  assert.equal(await refused('shared/probe.ts', './validation.js'), false);
  assert.equal(await refused('shared/api/probe.ts', '../validation.js'), false);
  assert.equal(await refused('shared/probe.ts', 'node:fs'), true);
  assert.equal(await refused('shared/probe.ts', 'react'), true);
  assert.equal(await refused('shared/probe.ts', '../electron/errors.js'), true);
  assert.equal(await refused('shared/api/probe.ts', '../../electron/errors.js'), true);
  assert.equal(await refused('shared/probe.test.ts', 'node:assert/strict'), false);
  for (const use of ['process.env.HOME', 'window.location', 'document.title', "require('fs')"]) {
    assert.notDeepEqual(await refusals('shared/probe.ts', `export const x = ${use};\n`), [], use);
  }
});

test('renderer/ never imports electron/ or Node built-ins', { timeout: 60_000 }, async () => {
  for (const source of ['node:fs', 'fs', 'child_process', 'path/posix', 'electron', '../../electron/errors.js', '../../../electron/host/run.js']) {
    assert.equal(await refused('renderer/src/api/probe.ts', source), true, source);
  }
  for (const source of ['react', 'zustand', '../../../shared/api/vms.js', './client.js']) {
    assert.equal(await refused('renderer/src/api/probe.ts', source), false, source);
  }
});
