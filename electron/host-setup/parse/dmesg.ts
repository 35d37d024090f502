// What /var/run/dmesg.boot says about running bhyve. The lines are the ones sys/x86/x86/identcpu.c prints
// (freebsd/freebsd-src): "CPU:", Origin, Features2, AMD Features2, then "VT-x:" (Intel) or "SVM:" (AMD), each
// "(disabled in BIOS) " when the firmware turned it off. A normal boot prints VT-x as one comma list
// (PAT,HLT,MTF,PAUSE,EPT,UG,VPID,...); a verbose boot prints a block whose "Secondary Processor Controls" line
// holds EPT and UG. Pure: text in, a reading out; nothing is guessed, so a file cut before the deciding lines
// reads as "unknown".

export type CpuVerdict = 'ok' | 'single-vcpu-only' | 'disabled-in-bios' | 'unsupported' | 'unknown';

export interface CpuReading {
  verdict: CpuVerdict;
  /** One sentence: why this verdict. */
  reason: string;
  vendor?: 'intel' | 'amd' | 'other';
  /** The hypervisor FreeBSD runs under (its "Hypervisor: Origin" or the HV flag), when it is a guest. */
  hypervisor?: string;
  /** The lines the verdict rests on, as read (prefixes such as syslog's removed). */
  evidence: string[];
}

const BOOT_START = /^(---<<BOOT>>---|Copyright \(c\) 1992-\d{4} The FreeBSD Project\.)/;
const CPU_LINE = /^CPU: /;
/** Lines copied out of /var/log/messages keep syslog's stamp, host and "kernel:"; a mail reply quotes with "> ". */
const SYSLOG = /^\s*(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\S+) \S+ kernel: ?/;
const QUOTE = /^(?:> )+/;
/** A CPU field whose <...> list a terminal may have wrapped: "  Features2=0x7ffafbff<SSE3,...". */
const FIELD_LIST = /^\s+[\w ]+=0x[0-9a-f]+</;
const CPU_FIELD = /^\s+(Origin|Features|AMD |Structured|XSAVE|IA32_|VT-x|SVM|TSC|VIA|Pin-|Primary|Secondary|Exit|Entry|EPT |VPID )/;
const VERBOSE_VTX = /^\s+(Pin-Based Controls|Primary Processor Controls|Secondary Processor Controls|Exit Controls|Entry Controls|EPT Features|VPID Features)=/;

export function readCpu(text: string): CpuReading {
  const lines = lastBoot(normalise(text));
  const at = findLast(lines, (l) => CPU_LINE.test(l));
  if (at < 0) return unknown('The boot messages hold no "CPU:" line of a FreeBSD kernel.', []);
  const block = lines.slice(at);
  const cpu = block[0] ?? '';
  const originLine = blockLines(block).find((l) => /^\s+Origin\s*=/.test(l));
  const origin = /Origin\s*=\s*"([^"]*)"/.exec(originLine ?? '')?.[1];
  const vendor = origin === 'GenuineIntel' ? 'intel' : origin === 'AuthenticAMD' || origin === 'HygonGenuine' ? 'amd' : origin ? 'other' : undefined;
  const features2 = field(block, /^\s+Features2=/);
  const amdFeatures2 = field(block, /^\s+AMD Features2=/);
  const hypervisor = /^Hypervisor: Origin\s*=\s*"([^"]*)"/.exec(block.find((l) => l.startsWith('Hypervisor:')) ?? '')?.[1] ?? (features2?.flags.includes('HV') ? 'a hypervisor (the CPU shows HV)' : undefined);
  const base: Omit<CpuReading, 'verdict' | 'reason'> = { ...(vendor ? { vendor } : {}), ...(hypervisor ? { hypervisor } : {}), evidence: [cpu, ...(originLine ? [originLine.trim()] : [])] };
  const vtx = vtxLines(block);
  if (vtx.length > 0) return withGuestNote(fromVtx(vtx, whole(block, vtx.at(-1)), base), hypervisor);
  const svm = block.find((l) => /^\s+SVM: /.test(l));
  if (svm !== undefined) return withGuestNote(fromSvm(svm, whole(block, svm), base, features2?.line), hypervisor);
  return withGuestNote(withoutVirtLine(block, base, vendor, features2, amdFeatures2), hypervisor);
}

/** Undoes what copying did: CR, quoted-printable soft breaks, syslog prefixes, and lines a terminal wrapped. */
function normalise(text: string): string[] {
  let body = text.replace(/\r\n?/g, '\n');
  if (/=3D/.test(body)) body = body.replace(/=\n/g, '').replace(/=3D/g, '=');
  const stripped = body.split('\n').map((raw) => raw.replace(QUOTE, '').replace(SYSLOG, '').replace(/\0/g, ''));
  const lines: string[] = [];
  stripped.forEach((line, i) => {
    const previous = lines[lines.length - 1];
    if (previous !== undefined && continues(previous, line, stripped[i + 1] ?? '')) lines[lines.length - 1] = previous + line;
    else lines.push(line);
  });
  return lines;
}

/**
 * A line a terminal wrapped goes on at column 0: inside a <...> list left open, inside a VT-x/SVM comma
 * list, or anywhere in the CPU block (the next line is a CPU field again). The kernel itself never puts a
 * column-0 line inside that block.
 */
function continues(previous: string, line: string, next: string): boolean {
  if (line.trim() === '') return false;
  const atColumn0 = !/^\s/.test(line);
  if (atColumn0 && FIELD_LIST.test(previous) && previous.lastIndexOf('<') > previous.lastIndexOf('>')) return true;
  if (atColumn0 && /^\s+(VT-x|SVM): /.test(previous) && !previous.includes('=0x') && /^[A-Za-z0-9,=]+$/.test(line)) return true;
  return (CPU_LINE.test(previous) || CPU_FIELD.test(previous)) && !CPU_FIELD.test(line) && CPU_FIELD.test(next);
}

/** The messages of the last boot only: the buffer may still hold earlier boots, of other hardware. */
function lastBoot(lines: string[]): string[] {
  const start = findLast(lines, (l) => BOOT_START.test(l));
  return start < 0 ? lines : lines.slice(start);
}

function findLast<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}

interface Field {
  line: string;
  flags: string[];
  /** The <...> list was closed: the line is whole. */
  complete: boolean;
}

function field(block: string[], key: RegExp): Field | undefined {
  const line = blockLines(block).find((l) => key.test(l));
  if (line === undefined) return undefined;
  const list = /<(.*)>/.exec(line)?.[1];
  return { line: line.trim(), flags: list === undefined ? [] : list.split(','), complete: list !== undefined };
}

/** The CPU block: the "CPU:" line and the indented lines under it (a verbose VT-x block included). */
function blockLines(block: string[]): string[] {
  const end = block.findIndex((l, i) => i > 0 && !/^\s/.test(l));
  return end < 0 ? block : block.slice(0, end);
}

/** A line is whole when the file goes on after it (a file that ends with a newline ends with an empty line). */
function whole(block: string[], line: string | undefined): boolean {
  return line !== undefined && block.lastIndexOf(line) < block.length - 1;
}

/** The CPU block ended: a line follows it (the file was not cut inside the block). */
function blockComplete(block: string[]): boolean {
  return block.some((l, i) => i > 0 && l.trim() !== '' && !/^\s/.test(l));
}

function vtxLines(block: string[]): string[] {
  const lines = blockLines(block);
  const at = lines.findIndex((l) => /^\s+VT-x: /.test(l));
  if (at < 0) return [];
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => !VERBOSE_VTX.test(l));
  return [lines[at] as string, ...(end < 0 ? rest : rest.slice(0, end))];
}

function fromVtx(vtx: string[], complete: boolean, base: Omit<CpuReading, 'verdict' | 'reason'>): CpuReading {
  const first = vtx[0] ?? '';
  const evidence = [...base.evidence, ...vtx.map((l) => l.trim())];
  if (!complete) return { ...base, evidence, verdict: 'unknown', reason: 'The file ends inside the VT-x lines, which may be cut.' };
  if (first.includes('(disabled in BIOS)')) return { ...base, evidence, verdict: 'disabled-in-bios', reason: 'The kernel says VT-x is disabled in the BIOS: turn on Intel Virtualization Technology in the firmware setup and reboot.' };
  const verbose = first.includes('Basic Features=');
  let flags: string[];
  if (verbose) {
    const secondary = vtx.find((l) => l.includes('Secondary Processor Controls='));
    const list = secondary === undefined ? undefined : /<(.*)>/.exec(secondary)?.[1];
    if (list === undefined) {
      // Without secondary controls there is no EPT; but only a block that reached its Exit Controls line proves there are none.
      if (secondary !== undefined || !vtx.some((l) => l.includes('Exit Controls='))) return { ...base, evidence, verdict: 'unknown', reason: 'The VT-x block is cut before its Secondary Processor Controls, which say whether the CPU has EPT and UG.' };
      flags = [];
    } else flags = list.split(',');
  } else flags = first.replace(/^\s+VT-x:\s*/, '').split(',').map((f) => f.trim());
  return byEptUg(flags.includes('EPT'), flags.includes('UG'), base, evidence);
}

function byEptUg(ept: boolean, ug: boolean, base: Omit<CpuReading, 'verdict' | 'reason'>, evidence: string[]): CpuReading {
  if (ept && ug) return { ...base, evidence, verdict: 'ok', reason: 'VT-x with EPT and unrestricted guest (UG): bhyve runs any guest with any number of vCPUs.' };
  if (ept) return { ...base, evidence, verdict: 'single-vcpu-only', reason: 'VT-x with EPT but without unrestricted guest (UG): only one-vCPU guests loaded with bhyveload (FreeBSD) can run; no Linux, UEFI or multi-vCPU guests.' };
  return { ...base, evidence, verdict: 'unsupported', reason: 'VT-x without EPT: bhyve needs Extended Page Tables and cannot run guests on this CPU.' };
}

function fromSvm(svm: string, complete: boolean, base: Omit<CpuReading, 'verdict' | 'reason'>, features2?: string): CpuReading {
  const evidence = [...base.evidence, ...(features2 ? [features2] : []), svm.trim()];
  if (!complete) return { ...base, evidence, verdict: 'unknown', reason: 'The file ends on the SVM line, which may be cut.' };
  if (svm.includes('(disabled in BIOS)')) return { ...base, evidence, verdict: 'disabled-in-bios', reason: 'The kernel says SVM is disabled in the BIOS: turn on SVM (AMD-V) in the firmware setup and reboot.' };
  const verbose = /SVM: (\(disabled in BIOS\) )?Features=/.test(svm);
  const list = verbose ? /<(.*)>/.exec(svm)?.[1] : svm.replace(/^\s+SVM:\s*/, '');
  if (list === undefined) return { ...base, evidence, verdict: 'unknown', reason: 'The SVM line is cut before its feature list.' };
  const flags = list.split(',');
  // bhyve's svm.c refuses to load without nested paging (NP) and NRIP save.
  const np = flags.includes('NP');
  const nrip = flags.includes('NRIP') || flags.includes('NRIPS');
  if (np && nrip) return { ...base, evidence, verdict: 'ok', reason: 'AMD-V with nested paging (NP/RVI) and NRIP save: bhyve runs any guest.' };
  return { ...base, evidence, verdict: 'unsupported', reason: `AMD-V without ${np ? 'NRIP save' : 'nested paging (NP)'}: bhyve's vmm module refuses to load on this CPU.` };
}

/** No VT-x or SVM line: either the CPU has neither (a guest without nested virtualisation), or the file is cut. */
function withoutVirtLine(block: string[], base: Omit<CpuReading, 'verdict' | 'reason'>, vendor: CpuReading['vendor'], features2?: Field, amdFeatures2?: Field): CpuReading {
  const evidence = [...base.evidence, ...[features2, amdFeatures2].flatMap((f) => (f ? [f.line] : []))];
  const cut = (what: string): CpuReading => ({ ...base, evidence, verdict: 'unknown', reason: `The file is cut before ${what}.` });
  if (!features2?.complete) return cut('the whole Features2 line');
  if (vendor === 'amd') {
    if (!amdFeatures2?.complete) return cut('the whole "AMD Features2" line');
    if (!amdFeatures2.flags.includes('SVM')) return { ...base, evidence, verdict: 'unsupported', reason: 'The CPU shows no SVM (AMD-V): bhyve cannot run here.' };
    // A kernel without the SVM line: the handbook's test, POPCNT on the Features2 line.
    if (!blockComplete(block)) return cut('the end of the CPU lines');
    return features2.flags.includes('POPCNT')
      ? { ...base, evidence, verdict: 'ok', reason: 'SVM with POPCNT on the Features2 line, the handbook\'s sign of an AMD CPU with nested paging.' }
      : { ...base, evidence, verdict: 'unsupported', reason: 'SVM but no POPCNT on the Features2 line: the handbook\'s sign that this AMD CPU has no nested paging.' };
  }
  if (!features2.flags.includes('VMX')) return { ...base, evidence, verdict: 'unsupported', reason: 'The CPU shows no VMX (VT-x): bhyve cannot run here.' };
  return blockComplete(block) ? { ...base, evidence, verdict: 'unknown', reason: 'The CPU shows VMX, but the kernel printed no VT-x line saying whether it has EPT and UG.' } : cut('the VT-x line');
}

function withGuestNote(reading: CpuReading, hypervisor: string | undefined): CpuReading {
  if (!hypervisor || reading.verdict === 'ok') return reading;
  return { ...reading, reason: `${reading.reason} This FreeBSD is itself a guest of ${hypervisor}: bhyve needs that host to pass virtualisation through (nested virtualisation).` };
}

function unknown(reason: string, evidence: string[]): CpuReading {
  return { verdict: 'unknown', reason, evidence };
}
