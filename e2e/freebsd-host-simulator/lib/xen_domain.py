"""FREEBSD HOST SIMULATOR: the body of a fake Xen domain (not Xen): reads its record in state/xen.json and runs the
fake guest; on a reboot it is created again with a new id if on_reboot says restart (xl's daemon does that), else
it is gone, as on_poweroff = "destroy" leaves it."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import fake_domain  # noqa: E402
import freebsd_sim as sim  # noqa: E402
import xen  # noqa: E402


def main(name):
    sim.init_root(os.environ.get('FREEBSD_SIM_ROOT'))
    with sim.state('xen', xen.empty) as state:
        dom = state['domains'][name]
        dom['pid'] = os.getpid()
    spec = {'ncpus': dom['vcpus'], 'memory': dom['memory'] << 20, 'console': dom['console'],
            'vnc': tuple(dom['vnc']) if dom.get('vnc') else None}

    def ended(code):
        with sim.state('xen', xen.empty) as state:
            again = code == 0 and dom.get('on_reboot') == 'restart'
            if again:
                state['domains'][name]['id'] = state['next_id']
                state['next_id'] += 1
            else:
                state['domains'].pop(name, None)
        return again

    fake_domain.run('xen', name, spec, ended)


if __name__ == '__main__':
    main(sys.argv[1])
