"""FREEBSD HOST SIMULATOR: the tiny fake FreeBSD guest every fake hypervisor runs on its serial console (bhyve's
com1, a Xen domain's `serial = "pty"`, a VirtualBox VM's uart1). This is NOT FreeBSD; see ../README.md."""
import os
import time

import freebsd_sim as sim


class FakeFreeBSD:
    """A guest's side of its console. A subclass says how a run ends (`finish`, which never returns) and what its
    hypervisor's signals mean (`check_signals`); setting `power_button` from a signal handler shuts the guest down
    as an ACPI power button does."""

    def __init__(self, name, console, ncpus, memsize):
        self.name, self.con, self.ncpus, self.memsize = name, console, ncpus, memsize
        self.power_button = False
        self.shutting_down = False
        self.booted = time.time()

    def finish(self, code):
        raise NotImplementedError

    def device_lines(self):
        """The probe lines of its disks and NICs, as the kernel prints them at boot."""
        return []

    def check_signals(self):
        if self.power_button and not self.shutting_down:
            self.out('\nPower button pressed\n')
            self.shutdown('poweroff', 'Shutdown NOW!\nshutdown: [pid 900]\n')

    def wait(self, seconds):
        """Sleep while still reacting to signals."""
        end = time.time() + seconds
        while True:
            self.check_signals()
            left = end - time.time()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))

    def out(self, text):
        if self.con:
            self.con.write(text)

    def boot(self):
        """The boot messages, after FREEBSD_SIM_BOOT_DELAY seconds (time to attach a console first)."""
        self.booted = time.time()
        self.wait(float(os.environ.get('FREEBSD_SIM_BOOT_DELAY', '0')))
        for line in self.banner():
            self.out(line + '\n')
            self.wait(0.01)

    def banner(self):
        mem = self.memsize
        return (['---<<BOOT>>---', 'Copyright (c) 1992-2024 The FreeBSD Project.',
                 'Copyright (c) 1979, 1980, 1983, 1986, 1988, 1989, 1991, 1992, 1993, 1994',
                 '\tThe Regents of the University of California. All rights reserved.',
                 'FreeBSD is a registered trademark of The FreeBSD Foundation.',
                 'FreeBSD 14.2-RELEASE amd64',
                 'CPU: Virtual CPU (simulated by the freebsd-host-simulator, this is not FreeBSD)',
                 f'real memory  = {mem} ({mem >> 20} MB)',
                 f'FreeBSD/SMP: Multiprocessor System Detected: {self.ncpus} CPUs',
                 'uart0: <16550 or compatible> port 0x3f8-0x3ff irq 4 flags 0x10 on acpi0',
                 'uart0: console (115200,n,8,1)']
                + self.device_lines()
                + ['Trying to mount root from ufs:/dev/vtbd0p2 [rw]...', f'Setting hostname: {self.name}.',
                   'Starting devd.', 'Starting sshd.', 'Starting cron.', '',
                   time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime()), ''])

    def session(self):
        user = None
        self.out(f'\nFreeBSD/amd64 ({self.name}) (ttyu0)\n\nlogin: ')
        while True:
            self.check_signals()
            lines = self.con.lines(0.1) if self.con else (time.sleep(0.1) or [])
            for line in lines:
                if user is None:
                    if line.strip() and line not in ('\x03', '\x04'):
                        user = line.strip()
                        self.out('FreeBSD 14.2-RELEASE (GENERIC)\n\nWelcome to FreeBSD!\n\n')
                    else:
                        self.out('login: ' if line != '\x03' else '\nlogin: ')
                        continue
                elif line == '\x04' or line.strip() in ('exit', 'logout'):
                    user = None
                    self.out(f'\n\nFreeBSD/amd64 ({self.name}) (ttyu0)\n\nlogin: ')
                    continue
                elif line != '\x03':
                    self.command(line, user)
                self.out(f'{user}@{self.name}:~ {"#" if user == "root" else "$"} ')

    def command(self, line, user):
        words = sim.split_command(line)
        if not words:
            return
        cmd, args = words[0], words[1:]
        if cmd == 'echo':
            self.out(' '.join(args) + '\n')
        elif cmd == 'uname':
            self.out({'-a': f'FreeBSD {self.name} 14.2-RELEASE FreeBSD 14.2-RELEASE amd64', '-r': '14.2-RELEASE',
                      '-n': self.name, '-m': 'amd64'}.get(args[0] if args else '', 'FreeBSD') + '\n')
        elif cmd == 'hostname':
            self.out(self.name + '\n')
        elif cmd == 'whoami':
            self.out(user + '\n')
        elif cmd == 'reboot' or cmd == 'shutdown' and '-r' in args:
            self.shutdown('reboot')
        elif cmd == 'poweroff' or cmd == 'shutdown' and '-p' in args:
            self.shutdown('poweroff')
        elif cmd == 'halt' or cmd == 'shutdown' and '-h' in args:
            self.shutdown('halt')
        else:
            self.out(f'{cmd}: Command not found.\n')

    def shutdown(self, how, intro=''):
        """The guest's shutdown messages; then its run ends with bhyve's status for it (0 reboot, 1 poweroff, 2 halt)."""
        self.shutting_down = True
        lines = (intro + 'Stopping cron.\nStopping sshd.\nStopping devd.\nWriting entropy file: .\n'
                 'Terminated\nWaiting (max 60 seconds) for system process `vnlru\' to stop... done\n'
                 'Waiting (max 60 seconds) for system process `syncer\' to stop... done\n'
                 'All buffers synced.\n' + f'Uptime: {int(time.time() - self.booted)}s\n').splitlines()
        for line in lines:
            self.out(line + '\n')
            self.wait(0.3 / len(lines))
        self.out({'reboot': 'Rebooting...\n', 'poweroff': 'acpi0: Powering system off\n',
                  'halt': 'The operating system has halted.\nPlease press any key to reboot.\n\n'}[how])
        self.finish({'reboot': 0, 'poweroff': 1, 'halt': 2}[how])
