import { type Channel, type EventName, type EventPayload, events, type Input, type Output } from '../../../shared/api/contract.js';
import type { Result } from '../../../shared/api/errors.js';
import { httpTransport, ipcTransport, type Transport } from './transport.js';

const transport: Transport = window.hivedesk ? ipcTransport(window.hivedesk) : httpTransport(window.location, sessionStorage);

/** Typed from the shared contract: a renamed field fails to compile here and in main. */
export function invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Result<Output<C>>> {
  return transport.invoke(channel, input) as Promise<Result<Output<C>>>;
}

export type HostEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

/** Events from main, checked against the contract: a malformed one is dropped, not trusted. */
export function subscribe(listener: (event: HostEvent) => void): () => void {
  return transport.subscribe((name, payload) => {
    if (!Object.hasOwn(events, name)) return;
    const parsed = events[name as EventName].safeParse(payload);
    if (parsed.success) listener({ name, payload: parsed.data } as HostEvent);
  });
}
