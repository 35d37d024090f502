import type { BackendId, VmSummary } from '../../shared/api/vms.js';
import { holds, type JobRecord } from '../jobs/job-store.js';

/**
 * The guest list as jobs change it: a guest a running job works from carries the job, and a
 * guest a job is still making is listed as a `cloning` placeholder (shaped like its source), so
 * nobody starts, clones or takes its name meanwhile.
 */
export function withJobs(vms: VmSummary[], jobs: readonly JobRecord[], defaultBackend: BackendId): VmSummary[] {
  const byName = new Map(vms.map((vm) => [vm.name, vm]));
  const listed = vms.map((vm) => {
    const job = jobs.find((j) => j.source === vm.name && holds(j).includes(vm.name));
    return job ? { ...vm, job: { id: job.id, title: job.title } } : vm;
  });
  const placeholders = jobs
    .filter((job) => job.target !== undefined && !byName.has(job.target) && holds(job).includes(job.target))
    .map((job) => placeholder(job, job.source === undefined ? undefined : byName.get(job.source), defaultBackend));
  return placeholders.length === 0 ? listed : [...listed, ...placeholders].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function placeholder(job: JobRecord, source: VmSummary | undefined, defaultBackend: BackendId): VmSummary {
  return {
    name: job.target ?? job.id,
    backend: source?.backend ?? defaultBackend,
    state: 'cloning',
    cpus: source?.cpus ?? 0,
    memory: source?.memory ?? '?',
    profile: source?.profile ?? 'other',
    disks: source?.disks ?? [],
    consoles: [],
    display: false,
    job: { id: job.id, title: job.title },
  };
}
