import type { CommandRecord } from '../../shared/api/host.js';

type Listener = (record: CommandRecord) => void;

export interface CommandEnd {
  exitCode: number | null;
  signal: string | null;
  error?: string;
}

/**
 * Every host command, with its exact argv, exit status and duration; kept in memory for the
 * UI. A command is recorded when it starts (long ones, like cu or a guest's supervisor, show
 * as running) and the same record is updated when it ends.
 */
export class CommandLog {
  private readonly records: CommandRecord[] = [];
  private readonly listeners = new Set<Listener>();
  /** Ids of imported records by their source, so a command's start and end stay one record. */
  private readonly importedIds = new Map<string, number>();
  private nextId = 1;

  constructor(private readonly capacity = 1000) {}

  /** Call when a command starts; the returned function records how it ended. */
  begin(argv: readonly string[]): (end: CommandEnd) => CommandRecord {
    const started = Date.now();
    const record: CommandRecord = { id: this.nextId++, argv: [...argv], startedAt: new Date(started).toISOString(), durationMs: 0, exitCode: null, signal: null, running: true };
    this.store(record);
    return (end) => {
      const ended: CommandRecord = { ...record, durationMs: Date.now() - started, exitCode: end.exitCode, signal: end.signal, running: false, ...(end.error ? { error: end.error } : {}) };
      this.store(ended);
      return ended;
    };
  }

  /** Adds a command another process ran (a guest's supervisor); `source` tells its records apart. */
  import(record: CommandRecord, source: string): void {
    const key = `${source}:${record.id}`;
    const id = this.importedIds.get(key) ?? this.nextId++;
    this.importedIds.set(key, id);
    if (!record.running) this.importedIds.delete(key);
    this.store({ ...record, id });
  }

  list(): CommandRecord[] {
    return [...this.records];
  }

  onDidRecord(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private store(record: CommandRecord): void {
    const at = this.records.findIndex((r) => r.id === record.id);
    if (at >= 0) this.records[at] = record;
    else this.records.push(record);
    if (this.records.length > this.capacity) this.records.shift();
    for (const listener of this.listeners) listener(record);
  }
}
