import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';
import { PresenceStore, UserPresence } from './presence.store';

export interface PresenceView extends UserPresence {
  userId: string;
}

/** Reads presence for clients: live status from the store, lastActiveAt falling back to the user row. */
@Injectable()
export class PresenceQuery {
  constructor(
    private readonly store: PresenceStore,
    private readonly users: UsersRepository,
  ) {}

  async of(userIds: readonly string[]): Promise<PresenceView[]> {
    const ids = [...new Set(userIds)];
    if (!ids.length) return [];
    const [live, rows] = await Promise.all([this.store.status(ids), this.users.findManyByIds(ids)]);
    const stored = new Map(rows.map((u) => [u.id, u.lastActiveAt?.toISOString() ?? null]));
    return ids
      .filter((id) => stored.has(id))
      .map((id) => {
        const p = live.get(id);
        return {
          userId: id,
          status: p?.status ?? 'offline',
          lastActiveAt: p?.lastActiveAt ?? stored.get(id) ?? null,
        };
      });
  }
}
