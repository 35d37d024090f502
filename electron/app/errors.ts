import type { ApiError } from '../../shared/api/errors.js';

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
