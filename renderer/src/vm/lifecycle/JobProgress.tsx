import type { Job } from '../../../../shared/api/jobs.js';
import { fraction, useJobs } from '../../stores/jobs.js';

/** A job's progress bar and step, by id: next to a guest it is cloning or making, and in Jobs. */
export function JobProgress({ id }: { id: string }) {
  const job = useJobs((s) => s.jobs.find((j) => j.id === id));
  if (!job) return null;
  return <JobBar job={job} />;
}

export function JobBar({ job }: { job: Job }) {
  const done = fraction(job);
  return (
    <span className="job-progress">
      {job.status === 'running' && <progress aria-label={`${job.title}: progress`} max={1} {...(done === undefined ? {} : { value: done })} />}
      <span className="job-step">{describe(job, done)}</span>
    </span>
  );
}

function describe(job: Job, done: number | undefined): string {
  if (job.status === 'running') return `${job.step}${done === undefined ? '' : ` ${Math.floor(done * 100)}%`}`;
  if (job.status === 'interrupted') return 'interrupted: clear it in Jobs';
  return job.status;
}
