import { useState } from 'react';
import type { Job } from '../../../shared/api/jobs.js';
import { useJobs } from '../stores/jobs.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { JobBar } from '../vm/lifecycle/JobProgress.js';
import '../vm/lifecycle/lifecycle.css';

/** Every job of this datastore, newest first: its progress, Cancel while it runs, Clear once it has ended. */
export function JobsView() {
  const jobs = useJobs((s) => s.jobs);
  if (jobs.length === 0) return <p className="empty">No jobs. A clone runs here as a job, with its progress; it carries on if Hivedesk closes.</p>;
  return (
    <ol className="jobs" aria-label="Jobs">
      {[...jobs].reverse().map((job) => (
        <JobRow key={job.id} job={job} />
      ))}
    </ol>
  );
}

function JobRow({ job }: { job: Job }) {
  const error = useJobs((s) => s.errors[job.id]);
  const [asking, setAsking] = useState(false);
  const { cancel, clear } = useJobs.getState();
  return (
    <li className={`job job-${job.status}`} aria-label={job.title}>
      <div className="job-head">
        <strong>{job.title}</strong>
        <span className={`state job-status-${job.status}`}>{job.status}</span>
        <span className="hint">started {new Date(job.startedAt).toLocaleTimeString()}</span>
      </div>
      <JobBar job={job} />
      {job.error && <p className="error">{job.error}</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <div className="actions">
        {job.status === 'running' ? (
          <button onClick={() => void cancel(job.id)}>Cancel</button>
        ) : (
          <button onClick={() => (job.status === 'interrupted' ? setAsking(true) : void clear(job.id))}>{job.status === 'interrupted' ? 'Clear…' : 'Clear'}</button>
        )}
      </div>
      {asking && (
        <ConfirmDialog
          title={`Clear “${job.title}”?`}
          body={`The job was interrupted before it finished${job.target ? `: its half-made ${job.target} is removed (a finished one is kept).` : '.'}`}
          confirmLabel="Clear"
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            void clear(job.id);
          }}
        />
      )}
    </li>
  );
}
