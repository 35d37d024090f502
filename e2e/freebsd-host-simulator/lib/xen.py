"""FREEBSD HOST SIMULATOR: the fake Xen hypervisor's state (not Xen), shared by the fake `xl` and its domains.

state/xen.json: {"next_id": 3, "domains": {"freebsd": {"id": 2, "pid": 4242, "memory": 1024, "vcpus": 2,
"uuid": "...", "config": "/vm/freebsd/xl.cfg", "console": "xenconsole-freebsd", "vnc": ["127.0.0.1", 5900],
"on_reboot": "restart"}}}. Domain-0 is always there (id 0, 8192 MB, 4 vCPUs, as the handbook's Dom0).
A domain whose process has died is gone."""
import freebsd_sim as sim

DOM0 = {'id': 0, 'memory': 8192, 'vcpus': 4}


def empty():
    return {'next_id': 1, 'domains': {}}


def domains(state):
    """The live domains of a state read under the lock (dead ones dropped)."""
    for name in [n for n, d in state['domains'].items() if d.get('pid') and not sim.pid_alive(d['pid'])]:
        del state['domains'][name]
    return state['domains']


def find(state, ident):
    """A domain by name or id, as xl takes either."""
    for name, dom in domains(state).items():
        if ident in (name, str(dom['id'])):
            return name, dom
    return None, None
