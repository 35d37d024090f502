import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXlList, parseXlListLong, xlCreateArgv, xlDomainArgv } from './xl.js';

/** The handbook's own `xl list` after `xl create freebsd.cfg` (24.7.3). */
const HANDBOOK_XL_LIST = `Name                                        ID   Mem VCPUs      State   Time(s)
Domain-0                                     0  8192     4     r-----  1653.4
freebsd                                      1  1024     1     -b----   663.9
`;

test("the handbook's commands: xl create, shutdown, destroy and console by name", { timeout: 5000 }, () => {
  assert.deepEqual(xlCreateArgv('/vm/freebsd/xl.cfg'), ['xl', 'create', '/vm/freebsd/xl.cfg']);
  assert.deepEqual(xlDomainArgv('destroy', 'freebsd'), ['xl', 'destroy', 'freebsd']);
  assert.deepEqual(xlDomainArgv('shutdown', 'freebsd'), ['xl', 'shutdown', 'freebsd']);
  assert.deepEqual(xlDomainArgv('console', 'freebsd'), ['xl', 'console', 'freebsd']);
});

test("xl list's table, as the handbook prints it, gives each domain's id and state", { timeout: 5000 }, () => {
  assert.deepEqual([...parseXlList(HANDBOOK_XL_LIST)], [
    ['Domain-0', { id: 0, state: 'r-----' }],
    ['freebsd', { id: 1, state: '-b----' }],
  ]);
});

test('xl list -l: the JSON of Xen 4.x gives each domain by name; anything else is not read as JSON', { timeout: 5000 }, () => {
  const json = JSON.stringify([
    { domid: 0, config: { c_info: { type: 'pv', name: 'Domain-0' } } },
    { domid: 3, config: { c_info: { type: 'hvm', name: 'freebsd', uuid: '9f6bd5a0-3c2e-11ef-8000-589cfc0c5542' }, b_info: { max_memkb: 1048576 } } },
  ]);
  assert.deepEqual([...(parseXlListLong(json) ?? [])], [
    ['Domain-0', { id: 0 }],
    ['freebsd', { id: 3 }],
  ]);
  assert.equal(parseXlListLong('(domain (domid 0) (name Domain-0))'), undefined, "an older xl's SXP falls back to the table");
});
