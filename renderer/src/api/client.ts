import type { Channel, Input, Output } from '../../../shared/api/contract.js';
import type { Result } from '../../../shared/api/errors.js';
import { type EventListener, httpTransport, ipcTransport, type Transport } from './transport.js';

const transport: Transport = window.hivedesk ? ipcTransport(window.hivedesk) : httpTransport(window.location, sessionStorage);

/** Typed from the shared contract: a renamed field fails to compile here and in main. */
export function invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Result<Output<C>>> {
  return transport.invoke(channel, input) as Promise<Result<Output<C>>>;
}

export function subscribe(listener: EventListener): () => void {
  return transport.subscribe(listener);
}
