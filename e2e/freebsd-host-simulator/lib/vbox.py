"""FREEBSD HOST SIMULATOR: the fake VirtualBox's state (not VirtualBox), shared by the fake `VBoxManage` and its VMs.

state/vbox.json: {"machines": {"<uuid>": {"name", "uuid", "ostype", "cfg" (its settings file), "memory", "cpus",
"nics": {"1": {"attachment": "nat", "mac": "080027..."}}, "uarts": {"1": {"io": 1016, "irq": 4, "mode": "server",
"path": "/vm/x/com1.sock"}}, "boot": ["disk", "dvd", "none", "none"], "rtcuseutc": "on", "vrde": {"on": true,
"address": "127.0.0.1", "ports": "5900-5999"}, "vrdeport": -1, "controllers": [{"name": "SATA", "bus": "sata",
"type": "IntelAhci", "portcount": 30}], "attachments": {"SATA-0-0": {"type": "hdd", "medium": "/vm/x/disk0.vdi"}},
"state": "poweroff", "pid": null}}, "media": {"/vm/x/disk0.vdi": {"uuid", "size_mb", "format"}},
"vrde_ext_pack": "VNC"}. A test sets "vrde_ext_pack" to "Oracle VM VirtualBox Extension Pack" (RDP) or null.
A running machine whose process died is "aborted", as VirtualBox marks a VM process that went away."""
import json
import os

import freebsd_sim as sim

OSTYPES = {'FreeBSD_64': 'FreeBSD (64-bit)', 'FreeBSD': 'FreeBSD (32-bit)', 'Linux_64': 'Linux (64-bit)',
           'Linux': 'Linux (32-bit)', 'Windows10_64': 'Windows 10 (64-bit)', 'Other_64': 'Other/Unknown (64-bit)',
           'Other': 'Other/Unknown'}


def empty():
    return {'machines': {}, 'media': {}, 'vrde_ext_pack': 'VNC'}


def machines(state):
    """The machines of a state read under the lock, a dead VM process marked aborted."""
    for vm in state['machines'].values():
        if vm['state'] == 'running' and not (vm.get('pid') and sim.pid_alive(vm['pid'])):
            vm.update(state='aborted', pid=None, vrdeport=-1)
    return state['machines']


def find(state, ident):
    for vm in machines(state).values():
        if ident in (vm['name'], vm['uuid']):
            return vm
    return None


def save_settings(vm):
    """VirtualBox writes every change to the machine's settings file; Hivedesk notices changes by its mtime."""
    with open(vm['cfg'], 'w') as f:
        json.dump({k: v for k, v in vm.items() if k not in ('pid', 'vrdeport')}, f, indent=1)
        f.write('\n')


def folder(vm):
    return os.path.dirname(vm['cfg'])
