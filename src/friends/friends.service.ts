import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/app-error';
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
  ) {}

  /** Sends a request. If the other user already asked us, this accepts theirs instead. */
  async request(fromUserId: string, toUserId: string): Promise<FriendRequestDto> {
    if (fromUserId === toUserId) throw AppError.badRequest('you cannot befriend yourself');
    const target = await this.users.findById(toUserId);
    if (!target || target.banned) throw AppError.notFound('user not found');
    const existing = await this.friends.findBetween(fromUserId, toUserId);
    if (existing?.status === 'pending' && existing.toUserId === fromUserId) {
      await this.friends.accept(existing.id, fromUserId);
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
    return { ...dto(r), status: 'accepted' };
  }

  async list(userId: string): Promise<FriendDto[]> {
    const ids = await this.friends.friendIds(userId);
    const users = await this.users.findManyByIds(ids);
    return users
      .sort((a, b) => a.username.localeCompare(b.username))
      .map((u) => ({
        user: PublicUserDto.of(u),
        presence: { status: 'offline', lastActiveAt: u.lastActiveAt ? u.lastActiveAt.toISOString() : null },
      }));
  }

  async remove(userId: string, otherId: string): Promise<void> {
    if (!(await this.friends.removePair(userId, otherId)))
      throw AppError.notFound('not friends with this user');
  }
}
