import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultVrdeExtPack, parseMachineReadable, parseVmList } from './machine-readable.js';
import { readMachine } from './machine.js';

/** `showvminfo --machinereadable` as VBoxManageInfo.cpp prints it (lines it prints that Hivedesk does not read left out). */
const INFO = `name="web \\"one\\""
groups="/"
ostype="FreeBSD (64-bit)"
UUID="2b1c7d36-8b3f-4a6e-9f55-0c3c7f1a9e10"
CfgFile="/vm/web one/web one.vbox"
memory=2048
cpus=2
VMState="aborted"
storagecontrollername0="SATA"
"SATA-0-0"="/vm/web one/disk0.vdi"
"SATA-ImageUUID-0-0"="5d9e7d0c-1111-4bb4-a0a0-0123456789ab"
"SATA-1-0"="emptydrive"
"SATA-IsEjected"="off"
"SATA-2-0"="/vm/data.vdi"
"SATA-ImageUUID-2-0"="5d9e7d0c-2222-4bb4-a0a0-0123456789ab"
natnet1="nat"
macaddress1="589CFC0C5542"
nic1="nat"
nic2="none"
uart1="0x03f8,4"
uartmode1="server,/vm/web one/com1.sock"
uart2="0x02f8,3"
uartmode2="disconnected"
uart3="off"
vrde="on"
vrdeport=5901
vrdeports="5900-5999"
vrdeaddress="127.0.0.1"
`;

test("showvminfo --machinereadable reads into the VM model: disks in port order, an empty DVD drive holds nothing", { timeout: 5000 }, () => {
  const machine = readMachine(parseMachineReadable(INFO));
  assert.equal(machine.guest.name, 'web "one"');
  assert.equal(machine.guest.backend, 'virtualbox');
  assert.equal(machine.guest.profile, 'freebsd');
  assert.equal(machine.guest.cpus, 2);
  assert.equal(machine.guest.memory, '2048M');
  assert.deepEqual(machine.guest.disks.map((d) => d.name), ['/vm/web one/disk0.vdi', '/vm/data.vdi']);
  assert.equal(machine.guest.installMedia, undefined);
  assert.deepEqual(machine.guest.networks.map((n) => n.mac), ['58:9c:fc:0c:55:42']);
  assert.deepEqual(machine.guest.comports, ['com1', 'com2']);
  assert.deepEqual(machine.uarts, { com1: 'server,/vm/web one/com1.sock', com2: 'disconnected' });
  assert.deepEqual(machine.vrde, { on: true, address: '127.0.0.1', port: 5901 });
  assert.equal(machine.state, 'aborted');
});

test('a DVD drive with media is the install media, whatever the file is called', { timeout: 5000 }, () => {
  const withDvd = INFO.replace('"SATA-1-0"="emptydrive"', '"SATA-1-0"="/isos/FreeBSD-14.2-RELEASE-amd64-disc1"\n"SATA-ImageUUID-1-0"="5d9e7d0c-3333-4bb4-a0a0-0123456789ab"\n"SATA-tempeject"="off"');
  const machine = readMachine(parseMachineReadable(withDvd));
  assert.equal(machine.guest.installMedia, '/isos/FreeBSD-14.2-RELEASE-amd64-disc1');
  assert.equal(machine.guest.disks.length, 2);
});

test('list vms and the default VRDE extension pack, as VBoxManage prints them', { timeout: 5000 }, () => {
  assert.deepEqual(parseVmList('"web one" {2b1c7d36-8b3f-4a6e-9f55-0c3c7f1a9e10}\n"<inaccessible>" {0e1c7d36-8b3f-4a6e-9f55-0c3c7f1a9e10}\n'), [
    { name: 'web one', uuid: '2b1c7d36-8b3f-4a6e-9f55-0c3c7f1a9e10' },
    { name: '<inaccessible>', uuid: '0e1c7d36-8b3f-4a6e-9f55-0c3c7f1a9e10' },
  ]);
  assert.equal(defaultVrdeExtPack('API version:    7_0\nDefault VRDE extension pack:     VNC\n'), 'VNC');
  assert.equal(defaultVrdeExtPack('Default VRDE extension pack:     Oracle VM VirtualBox Extension Pack\n'), 'Oracle VM VirtualBox Extension Pack');
});
