import { z } from 'zod';
import { VmName } from '../validation.js';
import { ConsoleHolder } from './console-protocol.js';
import { request } from './define.js';

export const ConsolePort = z.enum(['com1', 'com2', 'com3', 'com4']);
export type ConsolePort = z.infer<typeof ConsolePort>;

export const ConsoleRef = z.object({ name: VmName, port: ConsolePort });
export type ConsoleRef = z.infer<typeof ConsoleRef>;

export const ConsoleSize = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});

export const consolesApi = {
  /** Returns the loopback WebSocket URL (with the per-run token) that a terminal attaches to. */
  openConsole: request(ConsoleRef, z.object({ url: z.string() })),
  resizeConsole: request(ConsoleRef.extend(ConsoleSize.shape), z.object({})),
  /** Stops the program outside Hivedesk that holds the line (a cu in someone's terminal); returns who that was. */
  takeOverConsole: request(ConsoleRef, ConsoleHolder),
};
