"""FREEBSD HOST SIMULATOR: how the fake bhyve reads its -s/-l options and checks each device's
options. This is NOT FreeBSD. The rules and messages are FreeBSD 14's, from usr.sbin/bhyve:
pci_emul.c (slots, pci_parse_legacy_config), amd64/pci_lpc.c (lpc_device_parse, one LPC bridge,
on bus 0), net_backends.c and net_utils.c (NIC backend, mac=), pci_virtio_net.c (mtu=),
pci_fbuf.c and rfb.c (fbuf), pci_xhci.c (USB devices), config.c (boolean values).

Nothing here touches the sandbox: ../bin/bhyve adds what needs the host (files, taps, consoles).
"""
import ipaddress
import re

PCI_DEVICES = {'hostbridge', 'amd_hostbridge', 'lpc', 'virtio-net', 'virtio-blk', 'virtio-scsi', 'virtio-9p',
               'virtio-rnd', 'virtio-console', 'virtio-input', 'ahci', 'ahci-hd', 'ahci-cd', 'nvme', 'e1000',
               'fbuf', 'xhci', 'passthru', 'hda', 'uart'}
LPC_DEVICES = ('bootrom', 'com1', 'com2', 'com3', 'com4', 'fwcfg', 'tpm', 'pc-testdev')
DISKS = {'virtio-blk': 'vtbd', 'ahci-hd': 'ada', 'ahci-cd': 'cd', 'nvme': 'nda'}
NICS = ('virtio-net', 'e1000')
NET_BACKENDS = ('tap', 'vmnet', 'netgraph', 'netmap', 'vale', 'slirp')  # matched by prefix, as netbe_init does
USB_DEVICES = ('tablet',)
BLOCK_BOOLS = ('ro', 'nocache', 'direct', 'sync', 'nodelete')
FBUF_COLS, FBUF_ROWS = (640, 3840), (480, 2160)
VTNET_MTU = (46, 65535)  # ETHERMIN .. VTNET_MAX_MTU
EINVAL = 'Invalid argument'


class OptionError(Exception):
    """bhyve refuses its command line and exits with `code`; `message` goes to stderr as is."""

    def __init__(self, message, code=4):
        super().__init__(message)
        self.code = code


class DeviceError(Exception):
    """A device failed in init_pci(): bhyve prints `lines`, then
    perror("device emulation initialization error") with `errno_text`, and exits 4. Where the
    device code does not set errno itself, `errno_text` is the simulator's best guess."""

    def __init__(self, lines, errno_text=EINVAL):
        super().__init__('\n'.join(lines))
        self.lines, self.errno_text = lines, errno_text


# --- reading the command line -------------------------------------------------------------

def parse_slot(opt, slots):
    """pci_parse_slot(): <bus>:<slot>:<func>,<emul>[,<config>] or <slot>[:<func>],<emul>[,<config>]."""
    where, sep, rest = opt.partition(',')
    if not sep:
        raise OptionError(f'Invalid PCI slot info field "{opt}"')
    emul, has_config, config = rest.partition(',')
    m = (re.match(r'\s*(-?\d+):(-?\d+):(-?\d+)', where) or re.match(r'()\s*(-?\d+):(-?\d+)', where)
         or re.match(r'()\s*(-?\d+)()', where))  # sscanf("%d:%d:%d"), then "%d:%d", then "%d"
    if not m:
        raise OptionError(f'Invalid PCI slot info field "{opt}"')
    bus, slot, func = (int(x) if x else 0 for x in m.groups())
    if not (0 <= bus < 256 and 0 <= slot < 32 and 0 <= func < 8):
        raise OptionError(f'Invalid PCI slot info field "{opt}"')
    if emul not in PCI_DEVICES:
        raise OptionError(f'pci slot {bus}:{slot}:{func}: unknown device "{emul}"')
    if (bus, slot, func) in slots:
        raise OptionError(f'pci slot {bus}:{slot}:{func} already occupied!')
    slots[(bus, slot, func)] = (emul, device_config(emul, config if has_config else None))


def parse_lpc(opt, lpc):
    """lpc_device_parse(): `bootrom,<rom>[,<vars>]`, `comN,<backend>`, `tpm,<type>,<path>`, `pc-testdev`."""
    dev, _, rest = opt.partition(',')
    dev = dev.lower()
    if dev not in LPC_DEVICES:
        raise OptionError(f"bhyve: invalid lpc device configuration '{opt}'", 64)
    if dev == 'bootrom' and not rest:
        raise OptionError(f'bhyve: invalid bootrom option "{opt}"')
    if dev == 'tpm' and len(rest.split(',')) < 2:
        raise OptionError(f'bhyve: invalid tpm {"path" if rest else "type"} "{opt}"')
    lpc[dev] = rest


def legacy_config(opts):
    """pci_parse_legacy_config(): `name=value` pairs; a bare name is the boolean true."""
    config = {}
    for option in (opts.split(',') if opts is not None else []):
        name, has_value, value = option.partition('=')
        config[name] = value if has_value else 'true'
    return config


def device_config(emul, opts):
    """The config node a device's legacy option string becomes (pe_legacy_config or the generic one)."""
    if opts is None:
        return {}
    if emul in NICS:  # netbe_legacy_config(): the backend comes first, unless it is spelled backend=
        first = opts.split(',', 1)[0]
        if '=' in first:
            return legacy_config(opts)
        backend, _, rest = opts.partition(',')
        return {'backend': backend, **legacy_config(rest if rest else None)}
    if emul == 'ahci':  # pci_ahci_legacy_config(): hd:<path> and cd:<path> start a port each
        return {'ports': [opt.split(':', 1) for opt in opts.split(',') if opt.startswith(('hd:', 'cd:'))]}
    if emul == 'xhci':  # pci_xhci_legacy_config(): device[=config] per USB slot
        return {'slots': [opt.split('=', 1)[0] for opt in opts.split(',')]}
    if emul in DISKS:  # blockif_legacy_config(): the path comes first
        path, _, rest = opts.partition(',')
        return {'path': path, **legacy_config(rest if rest else None)}
    return legacy_config(opts)


def backing_files(emul, config):
    """The files a disk device opens."""
    if emul == 'ahci':
        return [path for _, path in config.get('ports', [])]
    path = config.get('path', '') if emul in DISKS else ''
    return [path[len('path='):] if path.startswith('path=') else path] if path else []


# --- what init_pci() checks, device by device ------------------------------------------------

def check_device(emul, config, bus, initialized):
    """The checks a device's pe_init makes on its own options. `initialized` holds the emulations
    set up so far (bhyve allows one LPC bridge, one framebuffer, one xHCI controller). Returns
    warnings bhyve prints without failing; raises DeviceError or OptionError."""
    check = {'lpc': check_lpc, 'virtio-net': check_nic, 'e1000': check_nic, 'fbuf': check_fbuf,
             'xhci': check_xhci}.get(emul, check_block if emul in DISKS else None)
    warnings = check(emul, config, bus, initialized) if check else []
    initialized.add(emul)
    return warnings


def check_lpc(_emul, _config, bus, initialized):
    if 'lpc' in initialized:
        raise DeviceError(['Only one LPC bridge is allowed.'])
    if bus != 0:
        raise DeviceError(['LPC bridge can be present only on bus 0.'])
    return []


def check_nic(emul, config, _bus, _initialized):
    if 'mac' in config and ether_aton(config['mac']) is None:
        raise DeviceError([f'Invalid MAC {config["mac"]}'])
    if emul == 'virtio-net' and 'mtu' in config:
        mtu = strtoul0(config['mtu'])
        if mtu is None or not VTNET_MTU[0] <= mtu <= VTNET_MTU[1]:
            raise DeviceError([])  # net_parsemtu() or the range check: EINVAL, nothing printed
    backend = config.get('backend')
    if backend is None and emul == 'virtio-net':
        return []  # "Permit interfaces without a configured backend."
    if backend is None or not backend.startswith(NET_BACKENDS):
        raise DeviceError([])  # netbe_init() finds no backend: EINVAL, nothing printed
    return []


def ether_aton(text):
    """FreeBSD ether_aton(3) (sscanf "%x:%x:%x:%x:%x:%x") and net_parsemac()'s rules: no
    multicast, not all zeros. The six octets, or None."""
    hexnum = r'\s*[+-]?(?:0[xX])?[0-9a-fA-F]+'
    m = re.match(':'.join([f'({hexnum})'] * 6), text)
    if not m:
        return None
    octets = [int(g.strip().replace('0x', '').replace('0X', '') or '0', 16) & 0xff for g in m.groups()]
    if octets[0] & 1 or not any(octets):
        return None
    return octets


def check_block(_emul, config, _bus, _initialized):
    for name in BLOCK_BOOLS:
        if name in config:
            check_bool(name, config[name])
    return []


def check_fbuf(_emul, config, _bus, initialized):
    """pci_fbuf_init() and pci_fbuf_parse_config(), then rfb_init()'s numeric host."""
    if 'fbuf' in initialized:
        raise DeviceError(['Only one frame buffer device is allowed.'])
    if 'wait' in config:
        check_bool('wait', config['wait'])
    host = rfb_host(config.get('rfb', config.get('tcp')))
    vga = config.get('vga')
    if vga is not None and vga not in ('off', 'io', 'on'):
        raise DeviceError([f'fbuf: Invalid vga setting: "{vga}"'])
    width, height = (strtol(config[k]) & 0xffff if k in config else d for k, d in (('w', 1024), ('h', 768)))
    if width > FBUF_COLS[1] or height > FBUF_ROWS[1]:
        raise DeviceError([f'fbuf: max resolution is {FBUF_COLS[1]}x{FBUF_ROWS[1]}'])
    if width < FBUF_COLS[0] or height < FBUF_ROWS[0]:
        raise DeviceError([f'fbuf: minimum resolution is {FBUF_COLS[0]}x{FBUF_ROWS[0]}'])
    if vga == 'on':  # bhyve says so and goes on without a framebuffer
        return ['pci_fbuf: VGA rendering not enabled']
    check_numeric_host(host)
    return []


def rfb_host(value):
    """The host of `tcp=`/`rfb=`: `host:port`, `[v6]:port` or a bare port; None for the default."""
    if value is None:
        return None
    if value.startswith('['):
        end = value.find(']', 1)
        rest = value[end + 1:] if end > 1 else None
        if rest is None or (rest and not rest.startswith(':')):
            raise DeviceError([f'fbuf: Invalid IPv6 address: "{value}"'])
        if rest == ':':
            raise DeviceError([f'fbuf: Missing port number: "{value}"'])
        return value[1:end]
    host, colon, port = value.partition(':')
    if colon and not port:
        raise DeviceError([f'fbuf: Missing port number: "{value}"'])
    return host if colon else None


def check_numeric_host(host):
    """rfb_init() resolves the host with AI_NUMERICHOST: a name is refused, not looked up."""
    try:
        ipaddress.ip_address(host or '127.0.0.1')
    except ValueError:
        raise DeviceError(['getaddrinfo: hostname nor servname provided, or not known'])


def check_xhci(_emul, config, _bus, initialized):
    if 'xhci' in initialized:
        raise DeviceError(['pci_xhci controller already defined'])
    for device in config.get('slots', []):
        if device not in USB_DEVICES:
            raise DeviceError([f'pci_xhci: unknown device model "{device}"'])
    return []


def check_bool(name, value):
    """config.c _bool_value(): true/on/yes/1 or false/off/no/0, else err(4, ...)."""
    if value.lower() not in ('true', 'on', 'yes', 'false', 'off', 'no') and value not in ('1', '0'):
        raise OptionError(f'bhyve: Invalid value {value} for boolean variable {name}')


def strtol(text):
    """strtol(text, NULL, 10): leading digits, 0 when there are none."""
    m = re.match(r'\s*([+-]?\d+)', text)
    return int(m.group(1)) if m else 0


def strtoul0(text):
    """net_parsemtu(): strtoul(text, &end, 0) over the whole text, no minus sign; None if not a number."""
    m = re.fullmatch(r'\s*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)', text)
    return int(m.group(1), 16 if m.group(1)[:2].lower() == '0x' else 8 if m.group(1).startswith('0') else 10) if m else None
