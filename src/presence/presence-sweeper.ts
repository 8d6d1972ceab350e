import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { dependencies } from '../common/dependency-state';
import { PRESENCE_OPTIONS, PresenceOptions } from './presence.options';
import { OfflineTransition, PresenceStore } from './presence.store';

/** Gets each sweep's transitions as one batch, so last_active_at can be written in one statement. */
export type OfflineHandler = (transitions: readonly OfflineTransition[]) => void | Promise<void>;

/**
 * Takes timed-out users offline: the `presence` role starts it, every `sweepIntervalMs` it sweeps the store
 * and hands the transitions to the handlers (the lead's: emit `presence:update`, write last_active_at).
 * Any number of presence processes may run it at once; the store reports each transition to one of them.
 *
 * A transition is committed in the store before the handlers run, so a handler that fails (or a crash just
 * after the sweep) loses that event, not the state: `status()` and the friends list still read offline.
 * If that ever matters, the sweep script can append transitions to a stream that handlers acknowledge.
 */
@Injectable()
export class PresenceSweeper implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PresenceSweeper.name);
  private readonly handlers: OfflineHandler[] = [];
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly store: PresenceStore,
    @Inject(PRESENCE_OPTIONS) private readonly options: Pick<PresenceOptions, 'sweepIntervalMs' | 'clock'>,
  ) {}

  onOffline(handler: OfflineHandler): void {
    this.handlers.push(handler);
  }

  get started(): boolean {
    return this.timer !== undefined;
  }

  /** Starts sweeping; idempotent. A tick that finds the previous one still running is skipped. */
  start(): void {
    this.timer ??= setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        // A store outage is logged once by the tracker, not at every tick.
        .catch(
          (e: Error) => dependencies.report(e) ?? this.logger.warn(`presence sweep failed: ${e.message}`),
        )
        .finally(() => (this.running = undefined));
    }, this.options.sweepIntervalMs);
  }

  /** Stops sweeping and waits for a sweep in progress (and its handlers) to finish. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep at `now`: returns the transitions after every handler has seen them. */
  async sweepOnce(now = this.options.clock()): Promise<OfflineTransition[]> {
    const transitions = await this.store.sweep(now);
    if (transitions.length === 0) return transitions;
    for (const handler of this.handlers) {
      try {
        await handler(transitions);
      } catch (e) {
        this.logger.error(`offline handler failed for ${transitions.length} users: ${(e as Error).message}`);
      }
    }
    return transitions;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}
