import { useState } from 'react';
import { useVms } from '../../stores/vms.js';
import { useWorkspace } from '../../stores/workspace.js';
import { ActivityGraph } from '../activity/ActivityGraph.js';
import { AutostartSection } from '../lifecycle/AutostartSection.js';
import { SnapshotsSection } from '../lifecycle/SnapshotsSection.js';
import { bootedToNext } from '../next-start.js';
import { VmActions } from '../VmActions.js';
import { type Question, VmQuestion } from '../VmQuestions.js';
import { SettingsPanel } from '../settings/SettingsPanel.js';
import { VmStatus } from '../VmStatus.js';

/** A guest's own page: what it is, what it is doing, and its actions. */
export function VmPage({ name }: { name: string }) {
  const vm = useVms((s) => s.byName[name]);
  const [question, setQuestion] = useState<Question>();
  if (!vm) {
    return (
      <div className="vm-page">
        <p className="empty">There is no VM named {name} any more.</p>
        <button onClick={() => useWorkspace.getState().close(`vm:${name}`)}>Close this tab</button>
      </div>
    );
  }
  return (
    <article className="vm-page" aria-labelledby={`vm-page-${name}`}>
      <header className="vm-page-header">
        <h2 id={`vm-page-${name}`}>{name}</h2>
        <div className="vm-page-status">
          <VmStatus vm={vm} />
        </div>
        <VmActions vm={vm} ask={setQuestion} />
      </header>
      <dl className="facts">
        <dt>Backend</dt>
        <dd>{vm.backend}</dd>
        <dt>CPUs</dt>
        <dd>{bootedToNext(vm, 'cpus')}</dd>
        <dt>Memory</dt>
        <dd>{bootedToNext(vm, 'memory')}</dd>
        <dt>Disks</dt>
        <dd>{vm.disks.join(', ') || 'none'}</dd>
        <dt>Serial consoles</dt>
        <dd>{vm.consoles.join(', ') || 'none'}</dd>
        {vm.installMedia && (
          <>
            <dt>Install media</dt>
            <dd>{vm.installMedia}</dd>
          </>
        )}
      </dl>
      <ActivityGraph vm={vm} />
      <section className="vm-settings" aria-labelledby={`vm-settings-${name}`}>
        <h2 id={`vm-settings-${name}`}>Settings</h2>
        <SettingsPanel name={name} />
      </section>
      {vm.state !== 'cloning' && (
        <>
          <AutostartSection name={name} backend={vm.backend} />
          <SnapshotsSection vm={vm} />
        </>
      )}
      {question && <VmQuestion question={question} onDone={() => setQuestion(undefined)} />}
    </article>
  );
}
