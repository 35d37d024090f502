import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entries, getValue, indexed, isYes, parseConf, removeKey, serializeConf, setValue } from './conf.js';
import { WINDOWS_EXAMPLE_CONF } from '../testing/vm-bhyve-examples.js';

const WINDOWS = WINDOWS_EXAMPLE_CONF;

const MESSY = '# vm-bhyve guest\n\nloader="uefi" # firmware\n  cpu=8\n\tmemory=64G\nCPU=16\ncpu=2\n\nhivedesk_profile="windows"\nunknown_key="kept"\ncpu=4\nmemory=4G';

test('reads the Windows example from the reference', { timeout: 10_000 }, () => {
  const doc = parseConf(WINDOWS);
  assert.deepEqual(entries(doc), [
    ['loader', 'uefi'], ['cpu', '2'], ['memory', '4G'], ['graphics', 'yes'], ['graphics_listen', '127.0.0.1'],
    ['xhci_mouse', 'yes'], ['disk0_type', 'ahci-hd'], ['disk0_name', 'disk0.img'], ['network0_type', 'e1000'],
    ['network0_switch', 'public'], ['utctime', 'no'], ['uefi_vars', 'yes'],
    ['uuid', '7c5d6a97-a3b2-11f0-8b04-002590d922d0'], ['network0_mac', '58:9c:fc:0c:55:42'],
  ]);
  assert.equal(getValue(doc, 'uuid'), '7c5d6a97-a3b2-11f0-8b04-002590d922d0');
  assert.equal(getValue(doc, 'bhyve_options'), undefined);
  assert.equal(serializeConf(doc), WINDOWS);
});

test('round trip is byte-identical', { timeout: 10_000 }, () => {
  for (const text of [MESSY, WINDOWS, '', '\n', '\n\n', 'a=1', 'a=1\r\nb=2\r\n', '  \n# only\n']) {
    assert.equal(serializeConf(parseConf(text)), text);
  }
});

test('only lines starting with a lower-case letter count; first occurrence wins', { timeout: 10_000 }, () => {
  const doc = parseConf(MESSY);
  assert.equal(getValue(doc, 'cpu'), '2');
  assert.equal(getValue(doc, 'memory'), '4G');
  assert.equal(getValue(doc, 'CPU'), undefined);
  assert.equal(getValue(doc, 'loader'), 'uefi');
  assert.deepEqual(entries(doc), [
    ['loader', 'uefi'], ['cpu', '2'], ['hivedesk_profile', 'windows'], ['unknown_key', 'kept'], ['memory', '4G'],
  ]);
});

test('# truncates even inside quotes; every quote is removed', { timeout: 10_000 }, () => {
  const doc = parseConf('vnc_password="ab#cd"\nbhyve_options=-w "x"y\ncp"u=3\nnote="a"b"c"');
  assert.equal(getValue(doc, 'vnc_password'), 'ab');
  assert.equal(getValue(doc, 'bhyve_options'), '-w xy');
  assert.equal(getValue(doc, 'cpu'), '3');
  assert.equal(getValue(doc, 'note'), 'abc');
});

test('trailing spaces are trimmed before quotes go, and only spaces', { timeout: 10_000 }, () => {
  const doc = parseConf('a=x   \nb="x"  # c\nc="x "\nd=x\t\ne=x\r\nf="  lead"');
  assert.equal(getValue(doc, 'a'), 'x');
  assert.equal(getValue(doc, 'b'), 'x');
  assert.equal(getValue(doc, 'c'), 'x ');
  assert.equal(getValue(doc, 'd'), 'x\t');
  assert.equal(getValue(doc, 'e'), 'x\r');
  assert.equal(getValue(doc, 'f'), '  lead');
});

test('keys are split exactly like ${line%%=*}', { timeout: 10_000 }, () => {
  const doc = parseConf('memory = 1G\ngraphics\nbhyve_options=-s 5,x=y');
  assert.equal(getValue(doc, 'memory'), undefined);
  assert.equal(getValue(doc, 'memory '), ' 1G');
  assert.equal(getValue(doc, 'graphics'), 'graphics');
  assert.equal(getValue(doc, 'bhyve_options'), '-s 5,x=y');
});

test('setValue replaces the effective line in place', { timeout: 10_000 }, () => {
  const doc = setValue(parseConf(MESSY), 'cpu', '6');
  assert.equal(
    serializeConf(doc),
    '# vm-bhyve guest\n\nloader="uefi" # firmware\n  cpu=8\n\tmemory=64G\nCPU=16\ncpu="6"\n\nhivedesk_profile="windows"\nunknown_key="kept"\ncpu=4\nmemory=4G',
  );
  assert.equal(getValue(doc, 'cpu'), '6');
  assert.equal(serializeConf(setValue(doc, 'loader', 'bhyveload')).split('\n')[2], 'loader="bhyveload" # firmware');
});

test('setValue appends, fixing a missing final newline', { timeout: 10_000 }, () => {
  assert.equal(serializeConf(setValue(parseConf('cpu=2'), 'memory', '1G')), 'cpu=2\nmemory="1G"\n');
  assert.equal(serializeConf(setValue(parseConf('cpu=2\n'), 'memory', '1G')), 'cpu=2\nmemory="1G"\n');
  assert.equal(serializeConf(setValue(parseConf(''), 'memory', '1G')), 'memory="1G"\n');
  assert.equal(serializeConf(setValue(parseConf('  memory=8G\n'), 'memory', '1G')), '  memory=8G\nmemory="1G"\n');
});

test('setValue refuses keys and values vm-bhyve cannot hold', { timeout: 10_000 }, () => {
  for (const key of ['', 'Cpu', '0cpu', 'cpu-count', 'cpu ', 'a=b', '_x', 'é']) {
    assert.throws(() => setValue(parseConf(''), key, '1'), RangeError, key);
  }
  for (const value of ['a"b', 'a#b', 'a\nb', 'a\rb', 'a\0b', 'a\\b', '$HOME', '`id`']) {
    assert.throws(() => setValue(parseConf(''), 'k', value), RangeError, value);
  }
});

test('a value set with setValue reads back identically', { timeout: 10_000 }, () => {
  let doc = parseConf(MESSY);
  for (const value of ['', ' spaced ', 'a=b=c', "it's", 'tab\there', 'x '.repeat(3), '-s 7,virtio-9p,share=/tmp', 'é*?[]']) {
    doc = setValue(doc, 'bhyve_options', value);
    assert.equal(getValue(doc, 'bhyve_options'), value);
    assert.equal(getValue(parseConf(serializeConf(doc)), 'bhyve_options'), value);
  }
});

test('removeKey drops every line vm-bhyve reads as the key', { timeout: 10_000 }, () => {
  const doc = removeKey(parseConf(MESSY), 'cpu');
  assert.equal(
    serializeConf(doc),
    '# vm-bhyve guest\n\nloader="uefi" # firmware\n  cpu=8\n\tmemory=64G\nCPU=16\n\nhivedesk_profile="windows"\nunknown_key="kept"\nmemory=4G',
  );
  assert.equal(getValue(doc, 'cpu'), undefined);
  assert.equal(serializeConf(removeKey(parseConf('a=1\nb=2'), 'b')), 'a=1\n');
  assert.equal(serializeConf(removeKey(parseConf('b=2'), 'b')), '');
  assert.equal(serializeConf(removeKey(parseConf('a=1\n'), 'zzz')), 'a=1\n');
});

test('isYes follows util::yesno', { timeout: 10_000 }, () => {
  const table: Array<[string | undefined, boolean]> = [
    [undefined, false], ['', false], ['no', false], ['NO', false], ['No', false], ['false', false], ['FaLsE', false],
    ['off', false], ['OFF', false], ['0', false], ['yes', true], ['YES', true], ['on', true], ['1', true],
    ['true', true], ['00', true], [' no', true], ['no ', true], ['nope', true], ['auto', true],
  ];
  assert.deepEqual(table.map(([v]) => [v, isYes(v)]), table);
});

test('indexed reads from 0 and stops at the first gap', { timeout: 10_000 }, () => {
  const doc = parseConf('disk0_name="disk0.img"\ndisk1_name="data.img"\ndisk3_name="lost.img"\npassthru0="2/0/0"\n');
  assert.deepEqual(indexed(doc, 'disk', 'name'), ['disk0.img', 'data.img']);
  assert.deepEqual(indexed(doc, 'network', 'type'), []);
  assert.deepEqual(indexed(doc, 'passthru', ''), ['2/0/0']);
  assert.deepEqual(indexed(parseConf('disk0_name=a\ndisk1_name=""\ndisk2_name=c'), 'disk', 'name'), ['a']);
  assert.deepEqual(indexed(parseConf('disk1_name=b'), 'disk', 'name'), []);
});
