import type { CommandRecord } from '../../shared/api/host.js';

type Listener = (record: CommandRecord) => void;

/** What a finished command's exit status means, where a backend knows its program (bhyve's exits). */
export type DescribeExit = (argv: readonly string[], exitCode: number) => CommandRecord['outcome'];

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
  /** Ids of repeating commands by their key (see `begin`), with how often each ran. */
  private readonly repeating = new Map<string, { id: number; repeats: number }>();
  private nextId = 1;

  constructor(
    private readonly capacity = 1000,
    private readonly describe: DescribeExit = () => undefined,
  ) {}

  /**
   * Call when a command starts; the returned function records how it ended. Runs that share a
   * `repeatKey` (a sample taken every few seconds) are one record, updated each time and counting
   * its runs, so they cannot push the commands a user looks for out of the log.
   */
  begin(argv: readonly string[], repeatKey?: string): (end: CommandEnd) => CommandRecord {
    const started = Date.now();
    const repeat = repeatKey === undefined ? undefined : this.repeatOf(repeatKey);
    const record: CommandRecord = {
      id: repeat?.id ?? this.nextId++,
      argv: [...argv],
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      exitCode: null,
      signal: null,
      running: true,
      ...(repeat ? { repeats: repeat.repeats } : {}),
    };
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
    // A finished record is final, unless it repeats (the same record comes again with its next run).
    if (!record.running && record.repeats === undefined) this.importedIds.delete(key);
    this.store({ ...record, id });
  }

  private repeatOf(key: string): { id: number; repeats: number } {
    const known = this.repeating.get(key);
    // A record pushed out of the log by newer ones starts again, at the end.
    const next = known && this.records.some((r) => r.id === known.id) ? { id: known.id, repeats: known.repeats + 1 } : { id: this.nextId++, repeats: 1 };
    this.repeating.set(key, next);
    return next;
  }

  list(): CommandRecord[] {
    return [...this.records];
  }

  onDidRecord(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private store(entry: CommandRecord): void {
    const outcome = entry.running || entry.exitCode === null ? undefined : this.describe(entry.argv, entry.exitCode);
    const record = outcome ? { ...entry, outcome } : entry;
    const at = this.records.findIndex((r) => r.id === record.id);
    if (at >= 0) this.records[at] = record;
    else this.records.push(record);
    if (this.records.length > this.capacity) this.records.shift();
    for (const listener of this.listeners) listener(record);
  }
}
