import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readCpu } from './dmesg.js';

/** Real boot messages (see each file's header for where it came from and what it should read as). */
const dir = join(import.meta.dirname, '../fixtures/dmesg');
const fixtures = readdirSync(dir).map((name) => {
  const text = readFileSync(join(dir, name), 'utf8');
  const expect = Object.fromEntries((/^# expect: (.*)$/m.exec(text)?.[1] ?? '').split(' ').map((kv) => kv.split('=') as [string, string]));
  return { name, text, expect };
});

test('every fixture reads as its header expects: verdict, vendor, hypervisor', { timeout: 10_000 }, () => {
  assert.ok(fixtures.length >= 10, 'the fixtures are there');
  for (const { name, text, expect } of fixtures) {
    const reading = readCpu(text);
    assert.equal(reading.verdict, expect.verdict, `${name}: ${reading.reason}`);
    if (expect.vendor) assert.equal(reading.vendor, expect.vendor, name);
    if (expect.hypervisor) assert.equal(reading.hypervisor, expect.hypervisor, name);
    if (expect.guest) assert.ok(reading.hypervisor, `${name} is a guest`);
    if (reading.verdict !== 'unknown') assert.ok(reading.evidence.some((l) => /^(VT-x|SVM|Features2|AMD Features2)/.test(l)), `${name} shows the deciding line: ${reading.evidence.join(' | ')}`);
  }
});

test('the evidence is the lines read, prefixes removed', { timeout: 10_000 }, () => {
  const syslog = readCpu(fixture('syslog-copy-xeon-e5-1650v2.rst'));
  assert.deepEqual(syslog.evidence, [
    'CPU: Intel(R) Xeon(R) CPU E5-1650 v2 @ 3.50GHz (3491.72-MHz K8-class CPU)',
    'Origin="GenuineIntel"  Id=0x306e4  Family=0x6  Model=0x3e  Stepping=4',
    'VT-x: PAT,HLT,MTF,PAUSE,EPT,UG,VPID,VID,PostIntr',
  ]);
  const verbose = readCpu(fixture('intel-i3-8100t-pfsense-boot-verbose.txt'));
  assert.ok(verbose.evidence.includes('Secondary Processor Controls=0x5fbcff<APIC,EPT,DT,RDTSCP,x2APIC,VPID,WBINVD,UG,PAUSE-loop,RDRAND,INVPCID,VMFUNC,EPT#VE,XSAVES>'));
  const qp = readCpu(fixture('kvm-nested-broadwell-quoted-printable.eml'));
  assert.equal(qp.evidence[1], 'Origin="GenuineIntel"  Id=0x306d2  Family=0x6  Model=0x3d  Stepping=2');
});

test('only the last boot counts: the CPU of an earlier boot is never used', { timeout: 10_000 }, () => {
  const veertu = fixture('veertu-guest-no-vmx-two-boots.txt');
  const cutInSecondBoot = veertu.slice(0, veertu.lastIndexOf('CPU: Intel'));
  assert.equal(readCpu(cutInSecondBoot).verdict, 'unknown');
  // A host that moved its disk to new hardware: the old boot said ok, the new one is cut before its CPU lines.
  const moved = `${fixture('intel-i5-6200u-hardenedbsd-two-boots.txt')}---<<BOOT>>---\nCopyright (c) 1992-2024 The FreeBSD Project.\n`;
  assert.equal(readCpu(moved).verdict, 'unknown');
});

test('a file cut anywhere reads as unknown or as the whole file does, never as something else', { timeout: 60_000 }, () => {
  for (const { name, text } of fixtures) {
    const full = readCpu(text).verdict;
    for (let end = 0; end < text.length; end++) {
      const verdict = readCpu(text.slice(0, end)).verdict;
      if (verdict !== 'unknown' && verdict !== full) assert.fail(`${name} cut at ${end} (${JSON.stringify(text.slice(Math.max(0, end - 40), end))}) reads ${verdict}, the whole file ${full}`);
    }
  }
});

test('lines a terminal wrapped, and CRLF line ends, read as the unwrapped file does', { timeout: 30_000 }, () => {
  for (const { name, text } of fixtures.filter((f) => !f.name.endsWith('.eml'))) {
    const full = readCpu(text).verdict;
    for (const width of [60, 72, 80]) assert.equal(readCpu(wrap(text, width)).verdict, full, `${name} wrapped at ${width}`);
    assert.equal(readCpu(text.replaceAll('\n', '\r\n')).verdict, full, `${name} with CRLF`);
  }
});

test('the kernel\'s other prints: AMD with SVM disabled in the BIOS, Intel without EPT, SVM without NP', { timeout: 10_000 }, () => {
  // Derived from the EPYC sample as identcpu.c's print_svm_info() prints a disabled SVM: "SVM: (disabled in BIOS) ".
  const epyc = fixture('amd-epyc-7502p-system-info.md');
  assert.equal(readCpu(epyc.replaceAll('SVM: NP', 'SVM: (disabled in BIOS) NP')).verdict, 'disabled-in-bios');
  assert.equal(readCpu(epyc.replaceAll('SVM: NP,NRIP,', 'SVM: ')).verdict, 'unsupported');
  // print_svm_info() under boot -v: "SVM: Features=0x...<NP,LbrVirt,SVML,NRIPS,...>" then "Revision=1, ASIDs=32768" at column 0.
  const verboseSvm = epyc.replaceAll('  SVM: NP,NRIP,VClean,AFlush,DAssist,NAsids=32768', '  SVM: Features=0x1ebfbcff<NP,LbrVirt,SVML,NRIPS,TscRateMsr,VmcbClean,FlushByAsid,DecodeAssist>\nRevision=1, ASIDs=32768');
  assert.equal(readCpu(verboseSvm).verdict, 'ok');
  // An AMD kernel without the SVM line: the handbook's test, POPCNT on Features2.
  const noSvmLine = epyc.replaceAll('  SVM: NP,NRIP,VClean,AFlush,DAssist,NAsids=32768\n', '');
  assert.equal(readCpu(noSvmLine).verdict, 'ok');
  assert.equal(readCpu(noSvmLine.replaceAll('MOVBE,POPCNT,', 'MOVBE,')).verdict, 'unsupported');
  // print_vmx_info() on a CPU without secondary controls (no EPT): a Core 2 prints only the primary features.
  const i5 = fixture('intel-i5-6200u-hardenedbsd-two-boots.txt');
  assert.equal(readCpu(i5.replace('VT-x: PAT,HLT,MTF,PAUSE,EPT,UG,VPID', 'VT-x: HLT,PAUSE')).verdict, 'unsupported');
  // The same verbose block without a Secondary Processor Controls line, but complete: no EPT.
  const verbose = fixture('intel-i3-8100t-pfsense-boot-verbose.txt').replace(/ {8}Secondary Processor Controls=.*\n/, '');
  assert.equal(readCpu(verbose).verdict, 'unsupported');
});

test('malformed input reads as unknown and never throws', { timeout: 30_000 }, () => {
  for (const junk of ['', '\0\0\0', 'CPU: ', 'CPU: x\n  Features2=0x1<VMX', '  VT-x: PAT,EPT,UG\n', 'CPU:\n  VT-x:\n', 'Hypervisor: Origin = "x"', '<'.repeat(10_000)]) {
    assert.equal(readCpu(junk).verdict, 'unknown', JSON.stringify(junk.slice(0, 40)));
  }
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => void readCpu(s)), { numRuns: 2000 });
  fc.assert(fc.property(fc.constantFrom(...fixtures), fc.nat(), fc.string({ maxLength: 20 }), (f, at, junk) => {
    const i = at % (f.text.length + 1);
    void readCpu(f.text.slice(0, i) + junk + f.text.slice(i));
  }), { numRuns: 2000 });
});

function fixture(name: string): string {
  const found = fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found.text;
}

/** What a terminal does to a long line: breaks it every `width` characters, with nothing added. */
function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => (line.match(new RegExp(`.{1,${width}}`, 'g')) ?? ['']).join('\n'))
    .join('\n');
}
