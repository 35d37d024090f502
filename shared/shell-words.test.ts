import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { quoteArgv } from './shell-words.js';

test('handbook-style words stay bare', { timeout: 10_000 }, () => {
  assert.equal(quoteArgv(['bhyve', '-s', '0:0,hostbridge', '-l', 'com1,/dev/nmdm-web1.1A', '-m', '1024M', 'web1']), 'bhyve -s 0:0,hostbridge -l com1,/dev/nmdm-web1.1A -m 1024M web1');
});

test('anything a shell would read differently is quoted, and sh reads back the same argv', { timeout: 60_000 }, () => {
  const argv = ['printf', '%s|', "it's", 'a b', '$HOME', '`x`', '*', '', 'tab\there', 'semi;colon'];
  const line = quoteArgv(argv);
  assert.equal(line, `printf %s| 'it'\\''s' 'a b' '$HOME' '\`x\`' '*' '' 'tab\there' 'semi;colon'`.replace('%s|', "'%s|'"));
  assert.equal(execFileSync('sh', ['-c', line], { encoding: 'utf8' }), argv.slice(2).map((a) => `${a}|`).join(''));
});
