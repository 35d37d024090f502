import type { ApiError } from '../shared/api/errors.js';

/** An error a service means the user to see, with the API code it crosses the transport as. */
export class AppError extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Runs a command builder; its RangeError (the guest's configuration cannot run) becomes a message for the user. */
export function configError<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('invalid_input', err.message);
    throw err;
  }
}
