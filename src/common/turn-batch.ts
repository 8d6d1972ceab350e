/**
 * Collects what one event-loop turn adds and hands it over once, on the next `setImmediate`. The adapters
 * that batch per turn share it: the SQLite group commit, the SQL history's multi-row inserts, the Redis send
 * limit (one call per user), offline push (one presence lookup).
 */
export class TurnBatch<T> {
  private items: T[] = [];

  constructor(private readonly flush: (items: T[]) => void) {}

  /** Items added this turn and not yet handed over. */
  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    if (!this.items.length) setImmediate(() => this.flush(this.take()));
    this.items.push(item);
  }

  /** Removes and returns the items not yet handed over (the scheduled flush then gets none). */
  take(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}

/** A caller waiting for the outcome of its part of a batch. */
export interface Waiter<R = void> {
  resolve: (value: R) => void;
  reject: (e: unknown) => void;
}
