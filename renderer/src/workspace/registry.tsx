import type { ReactNode } from 'react';
import { ConsoleTabTools } from '../vm/console/ConsoleTabTools.js';
import { JobsView } from '../jobs/JobsView.js';
import { HostSetupView } from '../host/setup/HostSetupView.js';
import { ConsoleView } from '../vm/console/ConsoleView.js';
import { DisplayView } from '../vm/display/DisplayView.js';
import { VmPage } from '../vm/page/VmPage.js';
import { VmList } from '../vm/VmList.js';
import type { View, ViewKind, ViewOf } from './views.js';

interface ViewDef<V extends View> {
  title(view: V): string;
  /** The panel's accessible name. */
  label(view: V): string;
  /** The close button's accessible name; absent for a view that stays (Machines). */
  closeLabel?(view: V): string;
  closeHint?: string;
  /** Rendered hidden while another tab shows, so a console keeps its screen and scrollback. */
  render(view: V, visible: boolean): ReactNode;
}

/** The typed registry: one entry per kind of view, so a missing one fails to compile. */
const VIEWS: { [K in ViewKind]: ViewDef<ViewOf<K>> } = {
  machines: {
    title: () => 'Machines',
    label: () => 'Machines',
    render: () => <VmList />,
  },
  vm: {
    title: (v) => v.name,
    label: (v) => `VM ${v.name}`,
    closeLabel: (v) => `Close ${v.name}`,
    render: (v) => <VmPage name={v.name} />,
  },
  console: {
    title: (v) => `${v.name} · ${v.port}`,
    label: (v) => `Console ${v.name} ${v.port}`,
    closeLabel: (v) => `Close console ${v.name}`,
    closeHint: 'Close this tab (Delete); the guest keeps running',
    render: (v, visible) => <ConsoleView name={v.name} port={v.port} visible={visible} tools={<ConsoleTabTools view={v} />} />,
  },
  split: {
    title: (v) => `${v.left.name} · ${v.left.port} | ${v.right.name} · ${v.right.port}`,
    label: (v) => `Consoles ${v.left.name} ${v.left.port} and ${v.right.name} ${v.right.port}`,
    closeLabel: (v) => `Close split ${v.left.name} and ${v.right.name}`,
    closeHint: 'Close this tab (Delete); the guests keep running',
    render: (v, visible) => (
      <div className="split">
        <ConsoleView name={v.left.name} port={v.left.port} visible={visible} />
        <ConsoleView name={v.right.name} port={v.right.port} visible={visible} />
      </div>
    ),
  },
  display: {
    title: (v) => `${v.name} · screen`,
    label: (v) => `Display ${v.name}`,
    closeLabel: (v) => `Close display ${v.name}`,
    closeHint: 'Close this tab (Delete); the guest keeps running',
    render: (v, visible) => <DisplayView name={v.name} visible={visible} />,
  },
  jobs: {
    title: () => 'Jobs',
    label: () => 'Jobs',
    closeLabel: () => 'Close Jobs',
    closeHint: 'Close this tab (Delete); the jobs carry on',
    render: () => <JobsView />,
  },
  'host-setup': {
    title: () => 'Host setup',
    label: () => 'Host setup',
    closeLabel: () => 'Close Host setup',
    render: () => <HostSetupView />,
  },
};

export function viewDef<V extends View>(view: V): ViewDef<V> {
  return VIEWS[view.kind] as unknown as ViewDef<V>;
}
