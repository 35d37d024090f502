import type { CommandRecord } from '../../shared/api/host.js';

type Listener = (record: CommandRecord) => void;

export interface CommandEnd {
  exitCode: number | null;
  signal: string | null;
  error?: string;
}

/** Every host command, with its exact argv, exit status and duration; kept in memory for the UI. */
export class CommandLog {
  private readonly records: CommandRecord[] = [];
  private readonly listeners = new Set<Listener>();
  private nextId = 1;

  constructor(private readonly capacity = 1000) {}

  /** Call when a command starts; the returned function records how it ended. */
  begin(argv: readonly string[]): (end: CommandEnd) => CommandRecord {
    const started = Date.now();
    const id = this.nextId++;
    return (end) => {
      const record: CommandRecord = {
        id,
        argv: [...argv],
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        exitCode: end.exitCode,
        signal: end.signal,
        ...(end.error ? { error: end.error } : {}),
      };
      this.store(record);
      return record;
    };
  }

  private store(record: CommandRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.shift();
    for (const listener of this.listeners) listener(record);
  }

  /** Adds a command another process ran (a guest's supervisor), under an id of this log. */
  import(record: CommandRecord): void {
    this.store({ ...record, id: this.nextId++ });
  }

  list(): CommandRecord[] {
    return [...this.records];
  }

  onDidRecord(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
