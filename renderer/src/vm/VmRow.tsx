import { memo } from 'react';
import { useVms } from '../stores/vms.js';
import { useWorkspace } from '../stores/workspace.js';
import { Sparkline } from './activity/Sparkline.js';
import { PendingMark } from '../ui/Field.js';
import { bootedToNext } from './next-start.js';
import { VmActions } from './VmActions.js';
import type { Question } from './VmQuestions.js';
import { VmStatus } from './VmStatus.js';

interface Props {
  name: string;
  /** The row's place in the whole list (0-based), for aria-rowindex and the virtualizer. */
  index: number;
  /** Tells the virtualizer the row's real height (an error or a hint makes it taller). */
  measure: (row: HTMLTableRowElement | null) => void;
  ask: (question: Question) => void;
}

/** One guest's row. It subscribes to that guest only, so a change to another guest does not redraw it. */
export const VmRow = memo(function VmRow({ name, index, measure, ask }: Props) {
  const vm = useVms((s) => s.byName[name]);
  if (!vm) return null;
  return (
    <tr ref={measure} data-index={index} aria-rowindex={index + 2} aria-label={vm.name}>
      <th scope="row">
        <button className="link" title={`Open ${vm.name}'s page`} onClick={() => useWorkspace.getState().open({ kind: 'vm', name: vm.name })}>
          {vm.name}
        </button>
        {vm.installMedia && <span className="media" title={vm.installMedia}>install media attached</span>}
        {vm.pendingRestart && <PendingMark title={`Saved while running: ${vm.pendingRestart.join(', ')}`} />}
      </th>
      <td>
        <VmStatus vm={vm} />
      </td>
      <td>{vm.state === 'running' && <Sparkline name={vm.name} />}</td>
      <td>{bootedToNext(vm, 'cpus')}</td>
      <td>{bootedToNext(vm, 'memory')}</td>
      <td>{vm.backend}</td>
      <td>
        <VmActions vm={vm} ask={ask} settings />
      </td>
    </tr>
  );
});
