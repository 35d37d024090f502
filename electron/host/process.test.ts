import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasTitledDescendant, ProcessTitles, titledPid } from './process.js';

// `ps -A -ww -o pid=,ppid=,args=` on FreeBSD: bhyve retitles itself, and ps adds the command name.
const PS = `    1     0 /sbin/init
  100     1 bhyve: web1 (bhyve)
  200    50 sudo -n bhyve -c 1 -m 1G -s 0,hostbridge -s 31,lpc web1
  201   200 sudo -n bhyve -c 1 -m 1G -s 0,hostbridge -s 31,lpc web1
  202   201 bhyve: web1 (bhyve)
  300    50 bhyve -c 1 -m 1G -s 0,hostbridge -s 31,lpc web1
  400    50 bhyve: web10 (bhyve)
`;

test('a title counts on the process itself or anywhere below it (doas execs bhyve, sudo forks it)', { timeout: 5000 }, () => {
  assert.equal(hasTitledDescendant(PS, 100, 'bhyve: web1'), true);
  assert.equal(hasTitledDescendant(PS, 200, 'bhyve: web1'), true);
});

test('a title elsewhere, a bhyve still setting up, or another guest\'s title does not count', { timeout: 5000 }, () => {
  assert.equal(hasTitledDescendant(PS, 300, 'bhyve: web1'), false, 'not titled yet; pid 100 is not below it');
  assert.equal(hasTitledDescendant(PS, 400, 'bhyve: web1'), false, 'web10 is not web1');
  assert.equal(hasTitledDescendant(PS, 999, 'bhyve: web1'), false, 'a process that is gone');
});

test('a title is found whole or followed by more words, never as the start of a longer name', { timeout: 5_000 }, () => {
  const titles = new ProcessTitles(['bhyve: web (stopping)', 'bhyve: db2', 'hivedesk-supervisor: app', '']);
  assert.equal(titles.has('bhyve: web'), true);
  assert.equal(titles.has('hivedesk-supervisor: app'), true);
  assert.equal(titles.has('bhyve: db'), false);
  assert.equal(titles.has('bhyve: we'), false);
  assert.equal(titles.has('bhyve: app'), false);
});

test('the pid of a titled process, from ps or from /proc, never one with a longer name', { timeout: 5_000 }, () => {
  assert.equal(titledPid(PS.replace('  100     1 bhyve: web1 (bhyve)\n', ''), 'bhyve: web1'), 202);
  assert.equal(titledPid(PS, 'bhyve: web10'), 400);
  assert.equal(titledPid(PS, 'bhyve: web'), undefined);
  assert.equal(titledPid([{ pid: 7, title: 'bhyve: db1' }, { pid: 8, title: 'bhyve: db' }], 'bhyve: db'), 8);
});
