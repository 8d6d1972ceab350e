import { Inject, Injectable, Logger } from '@nestjs/common';
import { CameOnlineHandler, HeartbeatBatcher } from './heartbeat-batcher';
import { PRESENCE_OPTIONS, PresenceOptions } from './presence.options';
import { PresenceStore } from './presence.store';

/**
 * What a chat node's gateway calls, one method per socket event; use the socket id as `deviceKey`.
 * A connect goes to the store at once (online without delay), heartbeats go through the batcher, a
 * disconnect drops the device's unsent beat and starts its grace period. Users coming online by either
 * path reach the `onOnline` handlers exactly once per transition: emit `presence:update` there, nowhere else.
 */
@Injectable()
export class DevicePresence {
  private readonly logger = new Logger(DevicePresence.name);
  private readonly handlers: CameOnlineHandler[] = [];

  constructor(
    private readonly store: PresenceStore,
    private readonly batcher: HeartbeatBatcher,
    @Inject(PRESENCE_OPTIONS) private readonly options: Pick<PresenceOptions, 'disconnectGraceMs' | 'clock'>,
  ) {
    batcher.onCameOnline((userIds) => this.announce(userIds));
  }

  onOnline(handler: CameOnlineHandler): void {
    this.handlers.push(handler);
  }

  /** Returns true when this connect brought the user online (the handlers have run by then). */
  async connected(userId: string, deviceKey: string): Promise<boolean> {
    const { cameOnline } = await this.store.connect(userId, deviceKey, this.options.clock());
    if (cameOnline) await this.announce([userId]);
    return cameOnline;
  }

  heartbeat(userId: string, deviceKey: string): void {
    this.batcher.beat(userId, deviceKey);
  }

  async disconnected(userId: string, deviceKey: string): Promise<void> {
    this.batcher.forget(userId, deviceKey);
    await this.store.disconnect(userId, deviceKey, this.options.clock(), this.options.disconnectGraceMs);
  }

  private async announce(userIds: readonly string[]): Promise<void> {
    for (const handler of this.handlers) {
      try {
        await handler(userIds);
      } catch (e) {
        this.logger.error(`online handler failed: ${(e as Error).message}`);
      }
    }
  }
}
