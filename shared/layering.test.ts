import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

/** The folder is the runtime: shared/ runs everywhere, renderer/ never reaches into main. */
const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|cts)$/.test(f) && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

test('shared/ imports nothing but zod and itself (no Node, Electron or DOM)', () => {
  const offenders = sources('shared').flatMap((f) => imports(f).filter((i) => !(i === 'zod' || i.startsWith('.'))).map((i) => `${f}: ${i}`));
  assert.deepEqual(offenders, []);
  const domUse = sources('shared').filter((f) => /\b(?:(?:window|document|process)\.\w|require\()/.test(readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(domUse, []);
});

test('renderer/ never imports electron/ or Node built-ins', () => {
  const offenders = sources('renderer/src').flatMap((f) =>
    imports(f)
      .filter((i) => i.startsWith('node:') || i === 'electron' || relative(root, join(root, f, '..', i)).startsWith('electron'))
      .map((i) => `${f}: ${i}`),
  );
  assert.deepEqual(offenders, []);
});
