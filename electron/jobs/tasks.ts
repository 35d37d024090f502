import type { JobKind } from '../../shared/api/jobs.js';
import { cloneTask } from '../lifecycle/clone-task.js';
import type { JobTask } from './task.js';

/** Every kind of job and the task that does it. */
export const TASKS: Record<JobKind, JobTask> = { clone: cloneTask };
