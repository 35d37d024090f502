import type { EventName, EventPayload } from '../../shared/api/contract.js';

type AnyListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/** Fans main's events out to every transport (IPC windows, WebSocket clients). */
export class EventHub {
  private readonly listeners = new Set<AnyListener>();
  private readonly greetings: ((listener: AnyListener) => void)[] = [];

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  /**
   * What a subscriber gets first, before any event emitted after it joined: the state that later
   * events change (skipped while `payload` has none). A browser tab's event stream connects in its
   * own time, so a change sent before then would otherwise be lost to it.
   */
  greet<E extends EventName>(name: E, payload: () => EventPayload<E> | undefined): void {
    this.greetings.push((listener) => {
      const value = payload();
      if (value !== undefined) listener(name, value);
    });
  }

  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    for (const greet of this.greetings) greet(listener);
    return () => this.listeners.delete(listener);
  }
}
