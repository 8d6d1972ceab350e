import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/app-error';
import { PresenceNotifier } from '../presence/presence-notifier';
import { PresenceQuery, PresenceView } from '../presence/presence-query.service';
import { PublicUserDto } from '../users/user.dto';
import { UsersRepository } from '../users/users.repository';
import { FriendDto, FriendRequestDto } from './friends.dto';
import { DuplicatePair, FriendRequest, FriendsRepository } from './friends.repository';

const dto = (r: FriendRequest): FriendRequestDto => ({
  id: r.id,
  fromUserId: r.fromUserId,
  toUserId: r.toUserId,
  status: r.status,
});

@Injectable()
export class FriendsService {
  constructor(
    private readonly friends: FriendsRepository,
    private readonly users: UsersRepository,
    private readonly presence: PresenceQuery,
    private readonly notifier: PresenceNotifier,
  ) {}

  /** Sends a request. If the other user already asked us, this accepts theirs instead. */
  async request(fromUserId: string, toUserId: string): Promise<FriendRequestDto> {
    if (fromUserId === toUserId) throw AppError.badRequest('you cannot befriend yourself');
    const target = await this.users.findById(toUserId);
    if (!target || target.banned) throw AppError.notFound('user not found');
    const existing = await this.friends.findBetween(fromUserId, toUserId);
    if (existing?.status === 'pending' && existing.toUserId === fromUserId) {
      await this.friends.accept(existing.id, fromUserId);
      await this.befriended(existing.fromUserId, existing.toUserId);
      return { ...dto(existing), status: 'accepted' };
    }
    if (existing)
      throw AppError.conflict(existing.status === 'accepted' ? 'already friends' : 'request already sent');
    try {
      return dto(await this.friends.createRequest({ id: randomUUID(), fromUserId, toUserId }));
    } catch (e) {
      if (e instanceof DuplicatePair) throw AppError.conflict('request already exists');
      throw e;
    }
  }

  async pending(userId: string): Promise<{ incoming: FriendRequestDto[]; outgoing: FriendRequestDto[] }> {
    const p = await this.friends.pendingFor(userId);
    return { incoming: p.incoming.map(dto), outgoing: p.outgoing.map(dto) };
  }

  async accept(userId: string, requestId: string): Promise<FriendRequestDto> {
    const r = await this.friends.findById(requestId);
    if (!r || (r.toUserId !== userId && r.fromUserId !== userId))
      throw AppError.notFound('friend request not found');
    if (r.status === 'accepted') return dto(r);
    if (r.toUserId !== userId) throw AppError.forbidden('only the recipient can accept a request');
    if (!(await this.friends.accept(r.id, userId))) throw AppError.conflict('request is no longer pending');
    await this.befriended(r.fromUserId, r.toUserId);
    return { ...dto(r), status: 'accepted' };
  }

  async list(userId: string): Promise<FriendDto[]> {
    const ids = await this.friends.friendIds(userId);
    const [users, presence] = await Promise.all([this.users.findManyByIds(ids), this.presence.of(ids)]);
    const byId = new Map(presence.map((p) => [p.userId, p]));
    return users
      .sort((a, b) => a.username.localeCompare(b.username))
      .map((u) => ({
        user: PublicUserDto.of(u),
        presence: {
          status: byId.get(u.id)?.status ?? 'offline',
          lastActiveAt: byId.get(u.id)?.lastActiveAt ?? null,
        },
      }));
  }

  /** Presence of those of `userIds` who are friends of `viewerId`; strangers are left out. */
  async presenceOf(viewerId: string, userIds: readonly string[]): Promise<PresenceView[]> {
    const friendIds = new Set(await this.friends.friendIds(viewerId));
    return this.presence.of(userIds.filter((id) => friendIds.has(id)));
  }

  async remove(userId: string, otherId: string): Promise<void> {
    const pair = await this.friends.findBetween(userId, otherId);
    if (!pair || !(await this.friends.removePair(userId, otherId)))
      throw AppError.notFound('not friends with this user');
    if (pair.status === 'accepted') this.notifier.unfollow(userId, otherId);
  }

  /** Both sides start following each other's presence at once, on every node, and learn the current one. */
  private async befriended(a: string, b: string): Promise<void> {
    this.notifier.follow(a, b);
    const [pa, pb] = await Promise.all([this.presence.of([a]), this.presence.of([b])]);
    this.notifier.tell(b, pa);
    this.notifier.tell(a, pb);
  }
}
