"""FreeBSD HOST SIMULATOR: shared code for the fake FreeBSD tools in ../bin.

This is NOT FreeBSD. It lets tests on Linux run the app's bhyve backend against
fake `bhyve`, `bhyvectl`, `kldload`, ... executables that record their argv and
keep the state the real tools would leave, all under $FREEBSD_SIM_ROOT.
See ../README.md for the layout and the state file formats.
"""
import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import select
import shlex
import shutil
import signal
import sys
import termios
import time
import tty

LIB_FILE = os.path.abspath(__file__)
SIM_DIR = os.path.dirname(os.path.dirname(LIB_FILE))
PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else 'freebsd-sim'
ROOT = None
MB = 1 << 20
# A process the simulator renamed (argv[0] is its title) has no sys.executable: Python finds itself from argv[0].
PYTHON = sys.executable or os.readlink('/proc/self/exe')


# --- basics -----------------------------------------------------------------

def start():
    """Every tool calls this first: find the sandbox, record argv, return the arguments."""
    init_root(os.environ.get('FREEBSD_SIM_ROOT'))
    record()
    return sys.argv[1:]


def init_root(root):
    global ROOT
    if not root:
        sys.stderr.write(f'{PROG}: FREEBSD_SIM_ROOT is not set (this is the FreeBSD host simulator, not FreeBSD)\n')
        sys.exit(1)
    ROOT = os.path.abspath(root)
    for d in ('dev/vmm', 'dev/zvol', 'state', 'control'):
        os.makedirs(os.path.join(ROOT, d), exist_ok=True)
    hostfs = os.path.join(ROOT, 'hostfs')
    if not os.path.isdir(hostfs):
        # The host's own files (/etc/rc.conf, /var/run/dmesg.boot, ...): a fresh install's, once per sandbox.
        shutil.copytree(os.path.join(os.path.dirname(LIB_FILE), 'hostfs'), hostfs + f'.{os.getpid()}.tmp')
        with contextlib.suppress(OSError):  # another tool made it first
            os.rename(hostfs + f'.{os.getpid()}.tmp', hostfs)
        shutil.rmtree(hostfs + f'.{os.getpid()}.tmp', ignore_errors=True)
    return ROOT


def p(*parts):
    """A path inside the sandbox."""
    return os.path.join(ROOT, *parts)


def host_path(path):
    """Where a FreeBSD path lives in the sandbox: paths inside it stay, anything else is under $ROOT/hostfs
    (/etc/rc.conf is $ROOT/hostfs/etc/rc.conf), so a tool can never touch the Linux host's own files."""
    path = os.path.abspath(path)
    return path if path.startswith(ROOT + os.sep) else p('hostfs', path.lstrip('/'))


def record():
    """Append one JSON line per invocation to $ROOT/commands.jsonl (a single O_APPEND write: atomic)."""
    line = json.dumps({'argv': [PROG] + sys.argv[1:], 'pid': os.getpid(), 'time': time.time(),
                       'cwd': os.getcwd()}) + '\n'
    fd = os.open(p('commands.jsonl'), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def warn(msg):
    sys.stderr.write(f'{PROG}: {msg}\n')
    sys.stderr.flush()


def die(msg, code=1, prefix=True):
    sys.stderr.write((f'{PROG}: ' if prefix else '') + msg + '\n')
    sys.exit(code)


def sim_note(msg):
    """Marks checks that the simulator makes on top of the real tool's behaviour."""
    return f'[freebsd-host-simulator] {msg}'


# --- state files (JSON under $ROOT/state, guarded by one lock) ----------------

_held = set()


@contextlib.contextmanager
def locked(name='.lock'):
    """An exclusive lock between simulator processes (re-entrant within one process)."""
    if name in _held:
        yield
        return
    fd = os.open(p('state', name), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held.add(name)
        yield
    finally:
        _held.discard(name)
        os.close(fd)


def read_json(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default() if callable(default) else default


def write_json(path, data):
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)


def read_state(name, default):
    return read_json(p('state', name + '.json'), default)


@contextlib.contextmanager
def state(name, default):
    """Read-modify-write of $ROOT/state/<name>.json; nothing is saved if the block raises (or exits)."""
    with locked():
        data = read_state(name, default)
        yield data
        write_json(p('state', name + '.json'), data)


# --- kernel modules -----------------------------------------------------------

def kld_default():
    return {'loaded': ['kernel', 'zfs']}


def kld_loaded(mod):
    return mod in read_state('kld', kld_default)['loaded']


def kld_autoload(mod):
    """What libvmmapi's vm_create() and ifconfig's cloner lookup do: load the module if it is missing."""
    with state('kld', kld_default) as kld:
        if mod not in kld['loaded']:
            kld['loaded'].append(mod)


def interfaces_default():
    """The host's interfaces before any test: loopback and one physical NIC."""
    return {'igb0': {'kind': 'physical', 'up': True, 'description': '', 'mtu': 1500},
            'lo0': {'kind': 'loopback', 'up': True, 'description': '', 'mtu': 16384}}


# --- sizes ----------------------------------------------------------------------

_UNITS = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40, 'P': 1 << 50, 'E': 1 << 60}


def expand_number(s):
    """FreeBSD expand_number(3): 16G, 512m, 1024 (bytes). None if invalid."""
    m = re.fullmatch(r'(\d+(?:\.\d+)?)([kKmMgGtTpPeE]?)(?:i?[bB])?', s or '')
    if not m:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def parse_memsize(s):
    """libvmmapi vm_parse_memsize(): a bare number below 1M means megabytes."""
    if re.fullmatch(r'0[xX][0-9a-fA-F]+|\d+', s or ''):
        v = int(s, 0)
        return v * MB if v < MB else v
    return expand_number(s)


# --- processes -------------------------------------------------------------------

def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not running
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def read_pid(path):
    try:
        with open(path) as f:
            pid = int(f.read().split()[0])
        return pid if pid_alive(pid) else None
    except (OSError, ValueError, IndexError):
        return None


def write_pid(path, pid=None):
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        f.write(f'{pid or os.getpid()}\n')
    os.replace(tmp, path)


def set_proc_title(title, comm):
    """Make `ps` show `title` (like FreeBSD's setproctitle) by rewriting our argv area in place,
    and set the short command name (`ps -o comm`, `pgrep -x`) to `comm`. Best effort."""
    try:
        fields = open('/proc/self/stat').read().rsplit(')', 1)[1].split()
        start, end = int(fields[45]), int(fields[46])  # arg_start, arg_end
        data = title.encode()[:end - start - 1]
        ctypes.memmove(start, data + b'\0' * (end - start - len(data)), end - start)
        ctypes.CDLL(None).prctl(15, comm.encode(), 0, 0, 0)  # PR_SET_NAME
    except Exception:
        pass


def spawn_detached(argv, log):
    """Double fork + setsid: the child outlives the tool that started it and is nobody's zombie."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                os.dup2(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644), 2)
                os.closerange(3, 1024)
                os.execv(PYTHON, argv)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


# --- VM instances: $ROOT/dev/vmm/<name> ------------------------------------------

def vmm_path(name):
    return p('dev', 'vmm', name)


def vmm_read(name):
    return read_json(vmm_path(name), None)


def vmm_write(name, data):
    write_json(vmm_path(name), data)


def vm_create(name):
    """libvmmapi vm_create(): loads vmm if needed, creates /dev/vmm/<name>. Returns (vm, created)."""
    kld_autoload('vmm')
    vm = vmm_read(name)
    if vm is not None:
        return vm, False
    vm = {'name': name, 'created': time.time(), 'memory': None, 'loaded_by': None,
          'suspended': None, 'bhyve_pid': None, 'runs': 0}
    vmm_write(name, vm)
    return vm, True


def disks_in_use():
    """Real paths of the backing files that running fake bhyve processes hold open."""
    used = set()
    for name in os.listdir(p('dev', 'vmm')):
        vm = vmm_read(name)
        if vm and vm.get('bhyve_pid') and pid_alive(vm['bhyve_pid']):
            used.update(vm.get('disks', []))
    return used


def bhyve_pid(name):
    """The pid of the running fake bhyve of VM <name>, or None."""
    pid = read_pid(p('state', f'bhyve-{name}.pid'))
    if pid is None:
        return None
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return pid if f.read().startswith(b'bhyve: ') else None
    except OSError:
        return None


# --- nmdm(4) pairs ------------------------------------------------------------------

NMDM_RE = re.compile(r'^nmdm(.+)([AB])$')


def nmdm_unit(path):
    """'$ROOT/dev/nmdm-web1.1A' -> '-web1.1'; None if the path is not an nmdm device of the sandbox."""
    m = NMDM_RE.match(os.path.basename(path))
    if not m or os.path.realpath(os.path.dirname(os.path.abspath(path))) != os.path.realpath(p('dev')):
        return None
    return m.group(1)


def ensure_nmdm(path):
    """Opening either side of /dev/nmdmXA|B makes FreeBSD create the pair (devfs cloning), if nmdm
    is loaded. Simulated by a persistent pair of real ptys joined by a relay process. Returns the
    two symlinks (A, B), None when `path` is not an nmdm name, or raises ENOENT like FreeBSD when
    nmdm(4) is not loaded."""
    unit = nmdm_unit(path)
    if unit is None:
        return None
    if not kld_loaded('nmdm'):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    return ensure_pair(f'nmdm{unit}', p('dev', f'nmdm{unit}A'), p('dev', f'nmdm{unit}B'))


def ensure_pair(label, a, b, keep=False):
    """A pair of linked ptys (what nmdm(4) is; a fake Xen domain's console pty and xl console's end of it too): a
    relay process titled `freebsd-sim-nmdm: <label>` keeps them, its pid in state/<label>.pid. Returns (a, b).
    `keep`: see nmdm_relay."""
    pidfile = p('state', f'{label}.pid')
    with locked(f'.{label}.lock'):
        if read_pid(pidfile) and os.path.exists(a) and os.path.exists(b):
            return a, b
        for f in (pidfile, a, b):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f)
        spawn_detached([f'freebsd-sim-nmdm: {label}', LIB_FILE, 'nmdm-relay', a, b, pidfile] + (['keep'] if keep else []),
                       p('state', f'{label}.log'))
        deadline = time.time() + 5
        while not (read_pid(pidfile) and os.path.exists(a) and os.path.exists(b)):
            if time.time() > deadline:
                raise OSError(errno.EIO, f'pty relay {label} did not start (see state/{label}.log)')
            time.sleep(0.01)
    return a, b


RELAY_KEEP = 64 * 1024


def nmdm_relay(a_link, b_link, pidfile, keep=False):
    """Body of the pair process. Two real ptys; bytes written on one slave come out of the other.
    Like nmdm(4), bytes are dropped while nobody has the other side open (so cu sees only output
    produced after it connected) and the pair survives any number of opens and closes. With `keep`,
    what A writes while B is closed waits (its last 64 KiB) for B to open, as xenconsoled keeps a
    domain's console output for the next `xl console`."""
    masters = []
    for link in (a_link, b_link):
        master, slave = os.openpty()
        tty.setraw(slave)  # raw, no echo: settings persist while we hold the master
        os.chmod(os.ttyname(slave), 0o666)  # cu runs as uucp on Debian
        tmp = f'{link}.{os.getpid()}.tmp'
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, link)
        os.close(slave)
        os.set_blocking(master, False)
        masters.append(master)
    write_pid(pidfile)

    def slave_open(master):  # POLLHUP on a pty master <=> no process has its slave open
        poller = select.poll()
        poller.register(master, select.POLLIN)
        return not any(ev & select.POLLHUP for _, ev in poller.poll(0))

    kept = b''
    while True:
        if kept and slave_open(masters[1]):
            with contextlib.suppress(OSError):
                os.write(masters[1], kept)
            kept = b''
        poller = select.poll()
        for m in masters:
            if slave_open(m):
                poller.register(m, select.POLLIN)
        for fd, ev in poller.poll(100):  # re-check every 100 ms which sides are open
            if not ev & select.POLLIN:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                continue
            other = masters[1 - masters.index(fd)]
            if data and slave_open(other):
                with contextlib.suppress(OSError):  # full: dropped, like a UART without flow control
                    os.write(other, data)
            elif data and keep and other == masters[1]:
                kept = (kept + data)[-RELAY_KEEP:]


# --- consoles -------------------------------------------------------------------------

class Console:
    """A serial console: a tty path (the A side of an nmdm pair) or, with path None, stdin/stdout."""

    def __init__(self, path=None):
        if path is None:
            self.rfd, self.wfd = 0, 1
        else:
            self.rfd = self.wfd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self.saved = None
        self.is_tty = os.isatty(self.rfd)  # a tty echoes what is typed; a pipe does not
        if self.is_tty:
            with contextlib.suppress(termios.error):
                self.saved = termios.tcgetattr(self.rfd)
                tty.setraw(self.rfd)
        self.eof = False
        self.pending = ''
        self.last_cr = False

    def write(self, text):
        data = text.replace('\r\n', '\n').replace('\n', '\r\n').encode()
        while data:
            try:
                data = data[os.write(self.wfd, data):]
            except BlockingIOError:
                time.sleep(0.01)
            except OSError:
                return

    def lines(self, timeout, echo=True):
        """Waits up to `timeout` s for input; returns the completed lines, echoing what is typed like
        a tty line discipline. ^C yields '\\x03', ^D on an empty line yields '\\x04'."""
        if self.eof:
            time.sleep(timeout)
            return []
        try:
            ready = select.select([self.rfd], [], [], timeout)[0]
        except InterruptedError:
            return []
        if not ready:
            return []
        try:
            data = os.read(self.rfd, 4096).decode('utf-8', 'replace')
        except BlockingIOError:
            return []
        except OSError:
            data = ''
        if not data:
            self.eof = True
            return []
        out = []
        echo = echo and self.is_tty
        for ch in data:
            if ch in '\r\n':
                if ch == '\n' and self.last_cr:
                    self.last_cr = False
                    continue
                self.last_cr = ch == '\r'
                if echo:
                    self.write('\n')
                out.append(self.pending)
                self.pending = ''
                continue
            self.last_cr = False
            if ch in '\x7f\x08':
                if self.pending:
                    self.pending = self.pending[:-1]
                    if echo:
                        self.write('\b \b')
            elif ch == '\x03':
                if echo:
                    self.write('^C\n')
                self.pending = ''
                out.append('\x03')
            elif ch == '\x04':
                if not self.pending:
                    out.append('\x04')
            elif ch >= ' ' or ch == '\t':
                self.pending += ch
                if echo:
                    self.write(ch)
        return out

    def close(self):
        if self.saved is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.rfd, termios.TCSADRAIN, self.saved)
        if self.rfd > 2:
            os.close(self.rfd)


def open_console(path):
    """A console for a loader's -c or bhyve's -l comN: 'stdio', an nmdm device, or an existing tty."""
    if path == 'stdio':
        return Console(None)
    ensure_nmdm(path)  # may raise ENOENT
    if not os.path.exists(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    con = Console(path)
    if not os.isatty(con.rfd):
        con.close()
        raise OSError(errno.ENOTTY, os.strerror(errno.ENOTTY), path)
    return con


def split_command(line):
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


# --- teardown ------------------------------------------------------------------------------

def _is_sim_process(pid, root):
    """A process started by this simulator for this sandbox (never the test runner or the app)."""
    try:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            env = dict(v.split(b'=', 1) for v in f.read().split(b'\0') if b'=' in v)
        if os.path.abspath(env.get(b'FREEBSD_SIM_ROOT', b'').decode() or '/nonexistent') != root:
            return False
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            cmd = f.read()
    except OSError:
        return False
    args = cmd.split(b'\0')
    return (args[0].startswith((b'bhyve: ', b'freebsd-sim-nmdm: ', b'freebsd-sim-domain: '))  # renamed by the simulator
            or len(args) > 1 and os.path.dirname(args[1]) == os.path.join(SIM_DIR, 'bin').encode())


def teardown(root):
    """Kill every process of the simulator for `root` (fake bhyve, nmdm relays, loaders waiting on
    a console), then drop their pid files and the nmdm links. Leaves the rest for inspection."""
    init_root(root)
    pids = set()
    for name in os.listdir(p('state')):
        if name.endswith('.pid'):
            pid = read_pid(p('state', name))
            if pid:
                pids.add(pid)
    for entry in os.listdir('/proc'):
        if entry.isdigit() and int(entry) != os.getpid() and _is_sim_process(int(entry), ROOT):
            pids.add(int(entry))
    pids = {pid for pid in pids if _is_sim_process(pid, ROOT)}  # pid files may be stale
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.time() + 3
    while any(pid_alive(pid) for pid in pids) and time.time() < deadline:
        time.sleep(0.02)
    for name in os.listdir(p('state')):
        if name.endswith('.pid') or name.endswith('.request'):
            os.unlink(p('state', name))
    for name in os.listdir(p('dev')):
        if NMDM_RE.match(name) and os.path.islink(p('dev', name)):
            os.unlink(p('dev', name))
    return sorted(pids)


if __name__ == '__main__':
    if len(sys.argv) in (5, 6) and sys.argv[1] == 'nmdm-relay':
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        nmdm_relay(*sys.argv[2:5], keep=sys.argv[5:] == ['keep'])
    else:
        sys.exit('usage: freebsd_sim.py nmdm-relay <A link> <B link> <pidfile> [keep]')
