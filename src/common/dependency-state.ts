import { Logger } from '@nestjs/common';
import { Store, storeOutage } from './store-outage';

interface Outage {
  since: number;
}

/**
 * This process's view of its backing stores: up until an error or a client event says one is down, down
 * until its client says it is back. It logs one line per transition, so an outage under load costs two log
 * lines instead of a stack per failed request. Fed by the error mappings (HTTP filter, socket acks, the
 * handshake) through `storeOutage`, and by the clients' own connection events (pg pool, ioredis,
 * cassandra-driver host up/down).
 *
 * One per process, like the logger: the HTTP filter and the ack mapping are plain functions outside Nest's
 * container, and the stores are the process's own connections.
 */
export class DependencyState {
  private readonly outages = new Map<Store, Outage>();

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'log'> = new Logger('Dependencies'),
    private readonly now: () => number = Date.now,
  ) {}

  down(store: Store, reason: unknown): void {
    if (this.outages.has(store)) return;
    this.outages.set(store, { since: this.now() });
    this.logger.warn(`${store} unavailable: ${describe(reason)}`);
  }

  up(store: Store): void {
    const outage = this.outages.get(store);
    if (!outage) return;
    this.outages.delete(store);
    this.logger.log(`${store} available again after ${((this.now() - outage.since) / 1000).toFixed(1)} s`);
  }

  isDown(store: Store): boolean {
    return this.outages.has(store);
  }

  /** When `e` means a store is unavailable: records it (logged once per outage) and answers which store. */
  report(e: unknown): Store | undefined {
    const store = storeOutage(e);
    if (store) this.down(store, e);
    return store;
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) {
    const code = (reason as { code?: unknown }).code;
    return code === undefined ? reason.message : `${reason.message} (${String(code)})`;
  }
  return String(reason);
}

export const dependencies = new DependencyState();
