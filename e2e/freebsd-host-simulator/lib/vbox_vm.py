"""FREEBSD HOST SIMULATOR: the body of a fake VirtualBox VM (not VirtualBox): VBoxHeadless's stand-in. Runs the fake
guest with com1 on the machine's uart socket and, with VRDE on and the VNC extension pack, an RFB greeting on the
first free port of its VRDE range. A reboot resets the machine, which keeps running; a poweroff powers it off."""
import contextlib
import os
import socket
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import fake_domain  # noqa: E402
import freebsd_sim as sim  # noqa: E402
import vbox  # noqa: E402


def free_port(address, ports):
    """VRDE's TCP/Ports: the first port of the list or ranges that nothing listens on."""
    for part in ports.split(','):
        first, _, last = part.partition('-')
        for port in range(int(first), int(last or first) + 1):
            with socket.socket() as probe:
                if probe.connect_ex((address if address not in ('', '0.0.0.0') else '127.0.0.1', port)) != 0:
                    return port
    return None


def main(uuid):
    sim.init_root(os.environ.get('FREEBSD_SIM_ROOT'))
    with sim.state('vbox', vbox.empty) as state:
        vm = state['machines'][uuid]
        vrde = vm['vrde'] if vm['vrde']['on'] and state.get('vrde_ext_pack') == 'VNC' else None
        port = free_port(vrde['address'], vrde['ports']) if vrde else None
        vm.update(pid=os.getpid(), state='running', vrdeport=port if port else -1)
    uart = vm['uarts'].get('1', {})
    spec = {'ncpus': vm['cpus'], 'memory': vm['memory'] << 20, 'console': f'vbox-{uuid}',
            'vnc': (vrde['address'] or '0.0.0.0', port) if port else None,
            'uart': uart['path'] if uart.get('mode') == 'server' else None}

    def ended(code):
        if code == 0:
            return True  # the guest rebooted: VirtualBox resets the machine, which runs on
        with sim.state('vbox', vbox.empty) as state:
            state['machines'][uuid].update(state='poweroff', pid=None, vrdeport=-1)
        if spec['uart']:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(spec['uart'])
        return False

    fake_domain.run('vbox', vm['name'], spec, ended)


if __name__ == '__main__':
    main(sys.argv[1])
