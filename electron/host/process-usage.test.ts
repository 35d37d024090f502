import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CommandLog } from './command-log.js';
import { cpuPercent, parseProcStat, parsePsTime, parsePsUsage, parseStatusRss, procfsUsage, psUsage, usageReader } from './process-usage.js';
import { HostRunner } from './run.js';

/** /proc/<pid>/stat of a QEMU, as Linux 6.1 writes it (utime 1000, stime 200 ticks; started at tick 5000). */
const qemuStat = (utime: number, stime: number, comm = 'qemu-system-x86') =>
  `4242 (${comm}) S 1 4241 4241 0 -1 4194624 36126 0 1 0 ${utime} ${stime} 0 0 20 0 5 0 5000 2263535616 52841 18446744073709551615 1 1 0 0 0 0 0 4096 17003 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;

const qemuStatus = (rssKib: number) => `Name:\tqemu-system-x86\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 2210484 kB\nVmSize:\t 2210484 kB\nVmHWM:\t  ${rssKib + 100} kB\nVmRSS:\t  ${rssKib} kB\nRssAnon:\t  180000 kB\nThreads:\t5\n`;

test('proc(5) stat: CPU time is utime + stime in USER_HZ ticks, found after a command name with spaces and parentheses', { timeout: 5_000 }, () => {
  assert.deepEqual(parseProcStat(qemuStat(1000, 200)), { cpuSeconds: 12, started: '5000' });
  assert.deepEqual(parseProcStat(qemuStat(7, 3, 'bhyve: a) (b')), { cpuSeconds: 0.1, started: '5000' });
  assert.equal(parseProcStat('4242 (qemu) S 1 2'), undefined, 'a truncated line is no reading');
  assert.equal(parseStatusRss(qemuStatus(204800)), 204800 * 1024);
  assert.equal(parseStatusRss('Name:\tkthreadd\nState:\tS (sleeping)\n'), undefined, 'a kernel thread has no VmRSS');
});

test('CPU % is CPU time over wall time, 100 per busy CPU; a new process under the same pid starts over', { timeout: 5_000 }, () => {
  const before = { cpuSeconds: 12, rssBytes: 1, started: '5000' };
  assert.equal(cpuPercent(before, { ...before, cpuSeconds: 13.2 }, 2000), 60);
  assert.equal(cpuPercent(before, { ...before, cpuSeconds: 15 }, 2000), 150, 'two vCPUs busy show more than 100');
  assert.equal(cpuPercent(before, { ...before, cpuSeconds: 12 }, 2000), 0);
  assert.equal(cpuPercent(before, { ...before, started: '9000' }, 2000), undefined);
  assert.equal(cpuPercent(before, { ...before, cpuSeconds: 1 }, 2000), undefined);
});

test('procfs usage from fixture /proc texts: each process read, a vanished one left out', { timeout: 5_000 }, async () => {
  const proc = await mkdtemp(join(tmpdir(), 'hivedesk-proc-'));
  try {
    await mkdir(join(proc, '4242'));
    await writeFile(join(proc, '4242', 'stat'), qemuStat(1000, 200));
    await writeFile(join(proc, '4242', 'status'), qemuStatus(204800));
    const read = procfsUsage(proc);
    const first = await read([4242, 4243]);
    assert.deepEqual([...first], [[4242, { cpuSeconds: 12, started: '5000', rssBytes: 204800 * 1024 }]]);
    await writeFile(join(proc, '4242', 'stat'), qemuStat(1090, 210));
    const second = (await read([4242])).get(4242);
    assert.ok(second);
    assert.equal(cpuPercent(first.get(4242)!, second, 2000), 50);
  } finally {
    await rm(proc, { recursive: true, force: true });
  }
});

test('ps time columns: FreeBSD’s minutes:seconds.hundredths (either decimal point) and procps’ [days-]hours:minutes:seconds', { timeout: 5_000 }, () => {
  assert.equal(parsePsTime('0:02.50'), 2.5);
  assert.equal(parsePsTime('123:45,67'), 123 * 60 + 45.67);
  assert.equal(parsePsTime('01:02:03'), 3723);
  assert.equal(parsePsTime('2-00:00:01'), 2 * 86400 + 1);
  assert.equal(parsePsTime('-'), undefined);
  const freebsd = ' 1234   12:01.25 524288\n 1240    0:00.40   2048\n';
  assert.deepEqual([...parsePsUsage(freebsd)], [
    [1234, { cpuSeconds: 721.25, rssBytes: 524288 * 1024 }],
    [1240, { cpuSeconds: 0.4, rssBytes: 2048 * 1024 }],
  ]);
});

test('without procfs one ps reads every process, and its runs are one record in the command log', { timeout: 15_000 }, async () => {
  const log = new CommandLog();
  const runner = new HostRunner(log);
  const read = psUsage(runner);
  const gone = 2 ** 22 + 17;
  for (let i = 0; i < 3; i++) {
    const usage = await read([process.pid, gone]);
    assert.deepEqual([...usage.keys()], [process.pid]);
    assert.ok((usage.get(process.pid)?.rssBytes ?? 0) > 10 * 1024 * 1024, 'this Node holds more than 10 MiB');
  }
  assert.deepEqual(log.list().map((r) => [r.argv.join(' '), r.repeats]), [[`ps -o pid=,time=,rss= -p ${process.pid},${gone}`, 3]]);
  assert.equal((await read([])).size, 0);
  assert.equal(log.list()[0]?.repeats, 3, 'nothing is run for no processes');
});

test('procfs is used where it is mounted, so nothing is run', { timeout: 5_000 }, async () => {
  const log = new CommandLog();
  const read = await usageReader(new HostRunner(log));
  const usage = (await read([process.pid])).get(process.pid);
  assert.ok(usage && usage.cpuSeconds > 0 && usage.rssBytes > 10 * 1024 * 1024);
  assert.deepEqual(log.list(), []);
});
