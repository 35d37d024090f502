import { z } from 'zod';
import { request } from './define.js';
import { VmRef } from './vms.js';

export const displayApi = {
  /** The loopback WebSocket URL (with the per-run token) noVNC connects to for a running guest's screen. */
  openDisplay: request(VmRef, z.object({ url: z.string() })),
};
