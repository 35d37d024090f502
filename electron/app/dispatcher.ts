import { ZodError } from 'zod';
import { api, type Channel, isChannel, type Output, type ParsedInput } from '../../shared/api/contract.js';
import type { ApiError, Result } from '../../shared/api/errors.js';
import { HostCommandError } from '../host/run.js';
import { AppError } from '../errors.js';

export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<Output<C>> };

/** The one entry point of every transport: nothing runs before the input passed its schema. */
export async function dispatch(handlers: Handlers, channel: string, raw: unknown): Promise<Result<unknown>> {
  if (!isChannel(channel)) return failure({ code: 'not_found', message: `Unknown request "${channel}".` });
  const parsed = api[channel].input.safeParse(raw ?? {});
  if (!parsed.success) return failure(fromZod(parsed.error));
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return failure(toApiError(err));
  }
}

function failure(error: ApiError): Result<never> {
  return { ok: false, error };
}

export function fromZod(error: ZodError): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || 'input';
    fields[field] ??= issue.message;
  }
  const message = Object.entries(fields).map(([field, msg]) => `${field}: ${msg}`).join(' ');
  return { code: 'invalid_input', message, fields };
}

function toApiError(err: unknown): ApiError {
  if (err instanceof AppError) return { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) };
  if (err instanceof HostCommandError) return { code: 'host_command_failed', message: err.message };
  if (err instanceof ZodError) return fromZod(err);
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
