import assert from 'node:assert/strict';
import { dispatch, type Handlers } from '../app/dispatcher.js';

/** A channel's answer through the dispatcher, as a window gets it; a refusal throws with its message. */
export async function callChannel<T>(handlers: Handlers, channel: string, input: unknown): Promise<T> {
  const result = await dispatch(handlers, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

/** A channel's refusal message; the test fails when the request was accepted. */
export async function refusal(handlers: Handlers, channel: string, input: unknown): Promise<string> {
  const result = await dispatch(handlers, channel, input);
  assert.equal(result.ok, false, `${channel} ${JSON.stringify(input)} is refused`);
  return result.ok ? '' : result.error.message;
}
