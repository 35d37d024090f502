"""FREEBSD HOST SIMULATOR: the xl.cfg(5) reader of the fake `xl` (not Xen). It reads the syntax libxlu reads
(KEY = VALUE, separated by newlines or `;`, `#` comments, strings in single or double quotes, numbers in decimal,
octal or hex, and [ lists ] over several lines with an optional trailing comma), and checks the keys Hivedesk writes
the way xl does: anything it does not know is refused, loudly, as a simulator check."""
import re

# The xl.cfg(5) keys the simulator understands; xl itself knows many more, which the simulator refuses to pretend to.
KNOWN = {'type', 'builder', 'name', 'memory', 'maxmem', 'vcpus', 'maxvcpus', 'vif', 'disk', 'vnc', 'vnclisten',
         'vncdisplay', 'vncunused', 'vncpasswd', 'keymap', 'serial', 'usbdevice', 'uuid', 'localtime', 'boot',
         'on_poweroff', 'on_reboot', 'on_crash', 'on_watchdog'}
ACTIONS = {'destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart', 'soft-reset'}
TOKEN = re.compile(r'''[ \t\r]*(?:(?P<comment>\#[^\n]*)|(?P<nl>[\n;])|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<num>0[xX][0-9a-fA-F]+|\d+)
                       |"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<punct>[=\[\],]))''', re.X)


class ConfigError(Exception):
    pass


def tokens(text):
    pos, line = 0, 1
    while pos < len(text):
        if text[pos:].strip(' \t\r') == '':
            break
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConfigError(f'{line}: config parsing error near `{text[pos:pos + 10].strip()}\': syntax error')
        pos = m.end()
        kind = m.lastgroup
        if kind == 'comment':
            continue
        if kind == 'nl':
            line += m.group('nl') == '\n'
            yield 'sep', None, line
        elif kind in ('dq', 'sq'):
            yield 'str', m.group(kind), line
        elif kind == 'num':
            yield 'num', int(m.group('num'), 0), line
        else:
            yield kind, m.group(kind), line


def parse(text):
    """The settings of an xl.cfg, in order; raises ConfigError as libxlu reports a syntax error."""
    toks = [t for t in tokens(text)]
    settings, i = {}, 0

    def value(i):
        kind, v, line = toks[i]
        if kind in ('str', 'num'):
            return v, i + 1
        if (kind, v) == ('punct', '['):
            items, i = [], i + 1
            while True:
                while toks[i][0] == 'sep':
                    i += 1
                if toks[i][:2] == ('punct', ']'):
                    return items, i + 1
                item, i = value(i)
                items.append(item)
                while toks[i][0] == 'sep':
                    i += 1
                if toks[i][:2] == ('punct', ','):
                    i += 1
                elif toks[i][:2] != ('punct', ']'):
                    raise ConfigError(f'{toks[i][2]}: config parsing error near `{toks[i][1]}\': syntax error')
        raise ConfigError(f'{line}: config parsing error near `{v}\': syntax error')

    try:
        while i < len(toks):
            if toks[i][0] == 'sep':
                i += 1
                continue
            kind, key, line = toks[i]
            if kind != 'id' or toks[i + 1][:2] != ('punct', '='):
                raise ConfigError(f'{line}: config parsing error near `{key}\': syntax error')
            settings[key], i = value(i + 2)
            if i < len(toks) and toks[i][0] != 'sep':
                raise ConfigError(f'{toks[i][2]}: config parsing error near `{toks[i][1]}\': syntax error')
    except IndexError:
        raise ConfigError('config parsing error near end of file: syntax error') from None
    return settings


def as_list(value):
    return value if isinstance(value, list) else [value]
