import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { dependencies } from '../common/dependency-state';
import { PRESENCE_OPTIONS, PresenceOptions } from './presence.options';
import { HeartbeatEntry, PresenceStore } from './presence.store';

export type CameOnlineHandler = (userIds: readonly string[]) => void | Promise<void>;

/**
 * Buffers a chat node's heartbeats and reports them to the store in one call per flush, so presence costs
 * one round trip per node every `flushIntervalMs`, however many devices beat. Repeated beats of a device
 * collapse into its latest one. Each entry keeps the time it was seen, so a beat flushed late never extends
 * a device past what it really earned, nor outlives the disconnect that followed it.
 */
@Injectable()
export class HeartbeatBatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HeartbeatBatcher.name);
  /** userId -> deviceKey -> when the latest beat was seen. */
  private pending = new Map<string, Map<string, number>>();
  /** Devices forgotten while a flush was in flight: a failed flush must not put them back. */
  private forgotten = new Set<string>();
  private readonly handlers: CameOnlineHandler[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: PresenceStore,
    @Inject(PRESENCE_OPTIONS) private readonly options: Pick<PresenceOptions, 'flushIntervalMs' | 'clock'>,
  ) {}

  /** Records a heartbeat; the timer starts with the first one, so roles that never beat run no timer. */
  beat(userId: string, deviceKey: string, at = this.options.clock()): void {
    if (this.stopped) return;
    let devices = this.pending.get(userId);
    if (!devices) this.pending.set(userId, (devices = new Map()));
    devices.set(deviceKey, Math.max(at, devices.get(deviceKey) ?? -Infinity));
    this.timer ??= setInterval(() => this.tick(), this.options.flushIntervalMs).unref();
  }

  /** Drops a device's unsent beat; call it on disconnect, before `PresenceStore.disconnect`. */
  forget(userId: string, deviceKey: string): void {
    const devices = this.pending.get(userId);
    devices?.delete(deviceKey);
    if (devices?.size === 0) this.pending.delete(userId);
    if (this.inFlight) this.forgotten.add(key(userId, deviceKey));
  }

  /** Called with the users a flush brought back online (a live socket whose user had timed out). */
  onCameOnline(handler: CameOnlineHandler): void {
    this.handlers.push(handler);
  }

  /** Number of devices waiting for the next flush. */
  get size(): number {
    let n = 0;
    for (const devices of this.pending.values()) n += devices.size;
    return n;
  }

  /** Sends everything buffered now, in one store call; rejects if the store does (the beats stay buffered). */
  async flushNow(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.pending.size === 0) return;
    this.inFlight = this.flush().finally(() => {
      this.inFlight = undefined;
      this.forgotten.clear();
    });
    await this.inFlight;
  }

  /** Stops the timer and sends what is buffered; later beats are ignored. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushNow().catch((e: Error) =>
      this.logger.warn(`final heartbeat flush failed (${this.size} devices): ${e.message}`),
    );
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  private tick(): void {
    if (this.inFlight || this.pending.size === 0) return;
    this.flushNow().catch(
      (e: Error) =>
        dependencies.report(e) ?? this.logger.warn(`heartbeat flush failed, will retry: ${e.message}`),
    );
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const entries: HeartbeatEntry[] = [];
    for (const [userId, devices] of batch) {
      for (const [deviceKey, at] of devices) entries.push({ userId, deviceKey, at });
    }
    let cameOnline: string[];
    try {
      ({ cameOnline } = await this.store.heartbeatBatch(entries, this.options.clock()));
    } catch (e) {
      this.requeue(entries);
      throw e;
    }
    for (const handler of this.handlers) {
      if (cameOnline.length === 0) break;
      try {
        await handler(cameOnline);
      } catch (e) {
        this.logger.error(`came-online handler failed: ${(e as Error).message}`);
      }
    }
  }

  /** Puts a failed batch back, under any newer beats that arrived meanwhile. */
  private requeue(entries: readonly HeartbeatEntry[]): void {
    for (const { userId, deviceKey, at } of entries) {
      if (this.forgotten.has(key(userId, deviceKey))) continue;
      let devices = this.pending.get(userId);
      if (!devices) this.pending.set(userId, (devices = new Map()));
      devices.set(deviceKey, Math.max(at ?? -Infinity, devices.get(deviceKey) ?? -Infinity));
    }
  }
}

function key(userId: string, deviceKey: string): string {
  return JSON.stringify([userId, deviceKey]);
}
