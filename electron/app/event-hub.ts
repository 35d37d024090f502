import type { EventName, EventPayload } from '../../shared/api/contract.js';

type AnyListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Fans main's events out to every transport (IPC windows, WebSocket clients). */
export class EventHub {
  private readonly listeners = new Set<AnyListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
