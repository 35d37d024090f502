import { z } from 'zod';

/** Errors cross every transport as data, never as thrown objects. */
export const ApiError = z.object({
  code: z.enum(['invalid_input', 'not_found', 'conflict', 'host_command_failed', 'unavailable', 'internal']),
  message: z.string(),
  /** Per-field messages, keyed by the request field, so a form can show them next to the field. */
  fields: z.record(z.string(), z.string()).optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };
