import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';
import { PresenceNotifier } from './presence-notifier';
import { PresenceSweeper } from './presence-sweeper';

/**
 * The presence role: sweeps users whose devices all stopped heartbeating, tells their friends they are
 * offline, and keeps `last_active_at` in the relational store. Safe with several presence processes: the
 * store hands each transition to exactly one sweeper.
 */
@Injectable()
export class PresenceRoleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PresenceRoleService.name);

  constructor(
    private readonly sweeper: PresenceSweeper,
    private readonly notifier: PresenceNotifier,
    private readonly users: UsersRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.onOffline(async (batch) => {
      for (const t of batch)
        this.notifier.changed({ userId: t.userId, status: 'offline', lastActiveAt: t.lastActiveAt });
      await Promise.all(
        batch
          .filter((t) => t.lastActiveAt)
          .map((t) =>
            this.users
              .setLastActive(t.userId, new Date(t.lastActiveAt!))
              .catch((e: Error) => this.logger.warn(`last_active_at: ${e.message}`)),
          ),
      );
    });
    this.sweeper.start();
  }
}
