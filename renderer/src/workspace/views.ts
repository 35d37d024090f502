import type { ConsolePort } from '../../../shared/api/consoles.js';

/** Everything the workspace can show in a tab. A new kind of view is added here and in the registry. */
export interface ConsoleAt {
  name: string;
  port: ConsolePort;
}

export type View =
  | { kind: 'machines' }
  | { kind: 'vm'; name: string }
  | ({ kind: 'console' } & ConsoleAt)
  /** Two consoles side by side. */
  | { kind: 'split'; left: ConsoleAt; right: ConsoleAt }
  /** A guest's screen. */
  | { kind: 'display'; name: string }
  | { kind: 'jobs' }
  | { kind: 'host-setup' };

export type ViewKind = View['kind'];
export type ViewOf<K extends ViewKind> = Extract<View, { kind: K }>;

/** One tab per view: opening a view that is already open shows its tab. */
export function viewId(view: View): string {
  switch (view.kind) {
    case 'machines':
      return 'machines';
    case 'vm':
      return `vm:${view.name}`;
    case 'console':
      return `console:${view.name}:${view.port}`;
    case 'split':
      return `split:${view.left.name}:${view.left.port}|${view.right.name}:${view.right.port}`;
    case 'display':
      return `display:${view.name}`;
    case 'jobs':
      return 'jobs';
    case 'host-setup':
      return 'host-setup';
  }
}

/** The guests a view shows: its tab means nothing once another datastore is open. */
export function viewGuests(view: View): string[] {
  switch (view.kind) {
    case 'vm':
    case 'console':
    case 'display':
      return [view.name];
    case 'split':
      return [view.left.name, view.right.name];
    case 'machines':
    case 'jobs':
    case 'host-setup':
      return [];
  }
}

export const MACHINES: View = { kind: 'machines' };
export const HOST_SETUP: View = { kind: 'host-setup' };
