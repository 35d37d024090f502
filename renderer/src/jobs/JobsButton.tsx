import { useJobs } from '../stores/jobs.js';
import { useWorkspace } from '../stores/workspace.js';

/** Opens Jobs; says how many run, so a clone under way is never out of sight. */
export function JobsButton() {
  const running = useJobs((s) => s.jobs.filter((j) => j.status === 'running').length);
  return <button onClick={() => useWorkspace.getState().open({ kind: 'jobs' })}>{running > 0 ? `Jobs (${running} running)` : 'Jobs'}</button>;
}
