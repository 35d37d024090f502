import { useEffect } from 'react';
import { subscribe } from './api/client.js';
import { CommandLogPanel } from './host/CommandLogPanel.js';
import { JobsButton } from './jobs/JobsButton.js';
import { useJobs } from './stores/jobs.js';
import { LifecycleDialogs } from './vm/lifecycle/LifecycleDialogs.js';
import { HostBar } from './host/HostBar.js';
import { OpenDatastoreButton } from './host/OpenDatastore.js';
import { useActivity, watchActivityWhileVisible } from './stores/activity.js';
import { useConsoleBadges } from './stores/console-badges.js';
import { HostSetupButton } from './host/setup/HostSetupButton.js';
import { useHost } from './stores/host.js';
import { useSettings } from './stores/settings.js';
import { useVms } from './stores/vms.js';
import { NotifyToggle } from './vm/console/BadgeChip.js';
import { followDesktopScreenReader } from './vm/console/screen-reader.js';
import { NewVmButton } from './vm/wizard/NewVmButton.js';
import { welcomeReturns } from './workspace/detach.js';
import { Workspace } from './workspace/Workspace.js';
import { useWorkspace } from './stores/workspace.js';

export function App() {
  useEffect(() => {
    void useVms.getState().load();
    const host = useHost.getState().load();
    void useConsoleBadges.getState().load();
    void useJobs.getState().load();
    const unsubscribe = subscribe((event) => {
      if (event.name === 'onDidChangeVms') useVms.getState().receive(event.payload);
      if (event.name === 'onDidChangeVmConfig') void useSettings.getState().configChanged(event.payload.name);
      if (event.name === 'onDidRunCommand') useHost.getState().addCommand(event.payload);
      if (event.name === 'onDidChangeConsoleBadges') useConsoleBadges.getState().receive(event.payload);
      if (event.name === 'onDidChangeJobs') useJobs.getState().receive(event.payload);
      if (event.name === 'onDidSampleActivity') useActivity.getState().receive(event.payload);
      if (event.name === 'onDidOpenDatastore') {
        useActivity.getState().clear();
        useWorkspace.getState().closeGuestViews();
        void useHost.getState().load();
        // An empty datastore's first poll finds no change to send: the list must be asked for.
        void useVms.getState().load();
        void useConsoleBadges.getState().load();
        void useJobs.getState().load();
      }
    });
    const unwatch = watchActivityWhileVisible();
    const stopWelcoming = welcomeReturns();
    const stopFollowing = followDesktopScreenReader(host.then(() => useHost.getState().info));
    return () => {
      unsubscribe();
      stopFollowing();
      unwatch();
      stopWelcoming();
    };
  }, []);

  return (
    <div className="app">
      <HostBar>
        <NotifyToggle />
        <OpenDatastoreButton />
        <JobsButton />
        <HostSetupButton />
        <NewVmButton />
      </HostBar>
      <Workspace />
      <LifecycleDialogs />
      <CommandLogPanel />
    </div>
  );
}
