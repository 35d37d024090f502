import { z } from 'zod';
import { backendsApi } from './backends.js';
import { ConsoleBadges, consoleBadgesApi } from './console-badges.js';
import { displayApi } from './display.js';
import { ActivitySample, activityApi } from './activity.js';
import { consolesApi } from './consoles.js';
import { datastoresApi, OpenedDatastore, VmConfigChange } from './datastores.js';
import { AssistiveTechnology, CommandRecord, hostApi } from './host.js';
import { Job, jobsApi } from './jobs.js';
import { hostSetupApi } from './host-setup.js';
import { lifecycleApi } from './lifecycle.js';
import { settingsApi } from './settings.js';
import { VmChanges, vmsApi } from './vms.js';

/** The whole API surface, in one place: every request the renderer can make. */
export const api = { ...vmsApi, ...backendsApi, ...hostApi, ...consolesApi, ...consoleBadgesApi, ...displayApi, ...datastoresApi, ...activityApi, ...settingsApi, ...lifecycleApi, ...jobsApi, ...hostSetupApi };
export type Api = typeof api;
export type Channel = keyof Api;
export type Input<C extends Channel> = z.input<Api[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Api[C]['input']>;
export type Output<C extends Channel> = z.output<Api[C]['output']>;

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(api, name);
}

/** Events main pushes to every window. */
export const events = {
  onDidChangeVms: VmChanges,
  onDidRunCommand: CommandRecord,
  onDidChangeConsoleBadges: ConsoleBadges,
  onDidChangeVmConfig: VmConfigChange,
  onDidSampleActivity: ActivitySample,
  onDidOpenDatastore: OpenedDatastore,
  /** Every job, whenever one starts, moves on or ends. */
  onDidChangeJobs: z.array(Job),
  onDidChangeAssistiveTechnology: AssistiveTechnology,
};
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
