import { create } from 'zustand';
import type { ApiError } from '../../../shared/api/errors.js';
import type { Job } from '../../../shared/api/jobs.js';
import { invoke } from '../api/client.js';

/** The jobs of this datastore as main last told (onDidChangeJobs), oldest first. */
interface JobsState {
  jobs: Job[];
  /** What went wrong with a job's Cancel or Clear, by job id. */
  errors: Record<string, ApiError | undefined>;
  load(): Promise<void>;
  receive(jobs: Job[]): void;
  cancel(id: string): Promise<void>;
  clear(id: string): Promise<void>;
}

export const useJobs = create<JobsState>()((set, get) => ({
  jobs: [],
  errors: {},
  async load() {
    const result = await invoke('listJobs', {});
    if (result.ok) set({ jobs: result.value });
  },
  receive(jobs) {
    set({ jobs });
  },
  async cancel(id) {
    set((s) => ({ errors: { ...s.errors, [id]: undefined } }));
    const result = await invoke('cancelJob', { id });
    if (!result.ok) set((s) => ({ errors: { ...s.errors, [id]: result.error } }));
    await get().load();
  },
  async clear(id) {
    set((s) => ({ errors: { ...s.errors, [id]: undefined } }));
    const result = await invoke('clearJob', { id });
    if (!result.ok) set((s) => ({ errors: { ...s.errors, [id]: result.error } }));
    await get().load();
  },
}));

/** How far a job is, 0..1, or undefined while its total is not known yet. */
export function fraction(job: Pick<Job, 'done' | 'total'>): number | undefined {
  return job.total > 0 ? Math.min(job.done / job.total, 1) : undefined;
}
