"""FREEBSD HOST SIMULATOR: the process of a fake Xen domain or VirtualBox VM (not Xen, not VirtualBox).

Started detached by the fake `xl create` or `VBoxManage startvm` as `freebsd-sim-domain: <kind>:<name>`. It runs the
fake FreeBSD guest on the A side of a pty pair (the domain's serial console), keeps the B side for `xl console`
(Xen) or serves it on the VM's uart socket (VirtualBox's `--uartmode1 server <path>`, one client at a time), and
greets VNC clients on the domain's VNC port with RFB's version line. SIGTERM presses the ACPI power button. The
hypervisor's record of it (state/xen.json, state/vbox.json) is the stand-in tool's; this process tells it how each
run ended through `ended(code)`.
"""
import contextlib
import os
import select
import signal
import socket
import sys
import threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import freebsd_sim as sim  # noqa: E402
from fake_guest import FakeFreeBSD  # noqa: E402

TITLE = 'freebsd-sim-domain: '


class RunEnded(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class DomainGuest(FakeFreeBSD):
    def finish(self, code):
        raise RunEnded(code)


def serve_vnc(address, port):
    """A VNC server that only says hello (RFB 003.008), on the domain's port, so a viewer's path can be checked."""
    server = socket.socket(socket.AF_INET6 if ':' in address else socket.AF_INET)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, port))
    server.listen(4)

    def accept():
        while True:
            client, _ = server.accept()
            with contextlib.suppress(OSError):
                client.sendall(b'RFB 003.008\n')
            threading.Thread(target=drain, args=(client,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


def drain(client):
    with contextlib.suppress(OSError):
        while client.recv(4096):
            pass


def serve_uart(path, b_side):
    """VirtualBox's `--uartmode1 server <path>`: a unix socket, one client at a time, joined to the console's B side.
    With no client, what the guest writes is read and dropped, as a UART without a listener loses it."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    line = os.open(b_side, os.O_RDWR | os.O_NOCTTY)

    def relay():
        client = None
        while True:
            watched = [server, line] + ([client] if client else [])
            for ready in select.select(watched, [], [], 0.5)[0]:
                if ready is server:
                    new, _ = server.accept()
                    if client:
                        new.close()  # VirtualBox's pipe server takes one client
                    else:
                        client = new
                elif ready is line:
                    data = os.read(line, 4096)
                    if client:
                        with contextlib.suppress(OSError):
                            client.sendall(data)
                else:
                    data = client.recv(4096)
                    if data:
                        os.write(line, data)
                    else:
                        client.close()
                        client = None

    threading.Thread(target=relay, daemon=True).start()


def run(kind, name, spec, ended):
    """Boots the guest and runs it until it powers off; `ended(code)` says whether to boot again (a reboot the
    hypervisor restarts). `spec`: ncpus, memory (bytes), console (label), vnc ((address, port) or None), uart (path)."""
    sim.set_proc_title(f'{TITLE}{kind}:{name}', kind)
    label = spec['console']
    a, b = sim.ensure_pair(label, sim.p('state', f'{label}.A'), sim.p('state', f'{label}.B'), keep=kind == 'xen')
    if spec.get('vnc'):
        serve_vnc(*spec['vnc'])
    if spec.get('uart'):
        serve_uart(spec['uart'], b)
    guest = None
    signal.signal(signal.SIGTERM, lambda *_: guest and setattr(guest, 'power_button', True))
    while True:
        guest = DomainGuest(name, sim.Console(a), spec['ncpus'], spec['memory'])
        try:
            guest.boot()
            guest.session()
        except RunEnded as end:
            guest.con.close()
            if not ended(end.code):
                return
