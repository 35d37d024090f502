import { useEffect } from 'react';
import { subscribe } from './api/client.js';
import { CommandLogPanel } from './host/CommandLogPanel.js';
import { JobsButton } from './jobs/JobsButton.js';
import { useJobs } from './stores/jobs.js';
import { LifecycleDialogs } from './vm/lifecycle/LifecycleDialogs.js';
import { HostBar } from './host/HostBar.js';
import { useHost } from './stores/host.js';
import { useVms } from './stores/vms.js';
import { NewVmButton } from './vm/wizard/NewVmButton.js';
import { Workspace } from './workspace/Workspace.js';

export function App() {
  useEffect(() => {
    void useVms.getState().load();
    void useHost.getState().load();
    void useJobs.getState().load();
    return subscribe((event) => {
      if (event.name === 'onDidChangeVms') useVms.getState().receive(event.payload);
      if (event.name === 'onDidRunCommand') useHost.getState().addCommand(event.payload);
      if (event.name === 'onDidChangeJobs') useJobs.getState().receive(event.payload);
    });
  }, []);

  return (
    <div className="app">
      <HostBar>
        <JobsButton />
        <NewVmButton />
      </HostBar>
      <Workspace />
      <LifecycleDialogs />
      <CommandLogPanel />
    </div>
  );
}
