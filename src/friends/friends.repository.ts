import { isUniqueViolation } from '../database/unique-violation';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { FriendRequestEntity, FriendRequestStatus } from './friend-request.entity';

export interface FriendRequest {
  id: string;
  fromUserId: string;
  toUserId: string;
  status: FriendRequestStatus;
  createdAt: Date;
}

export class DuplicatePair extends Error {}

const pair = (a: string, b: string) => (a < b ? { userLow: a, userHigh: b } : { userLow: b, userHigh: a });

@Injectable()
export class FriendsRepository {
  constructor(
    @InjectRepository(FriendRequestEntity) private readonly repo: Repository<FriendRequestEntity>,
  ) {}

  /** Inserts a pending request; DuplicatePair when any row for the pair exists (either direction). */
  async createRequest(r: { id: string; fromUserId: string; toUserId: string }): Promise<FriendRequest> {
    try {
      await this.repo.insert({ ...r, ...pair(r.fromUserId, r.toUserId), status: 'pending' });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DuplicatePair();
      throw e;
    }
    return view(await this.repo.findOneByOrFail({ id: r.id }));
  }

  async findById(id: string): Promise<FriendRequest | null> {
    const r = await this.repo.findOneBy({ id });
    return r && view(r);
  }

  async findBetween(a: string, b: string): Promise<FriendRequest | null> {
    const r = await this.repo.findOneBy(pair(a, b));
    return r && view(r);
  }

  /** Accepts a pending request addressed to `toUserId`; false if it was not pending for them. */
  async accept(id: string, toUserId: string): Promise<boolean> {
    const r = await this.repo.update({ id, toUserId, status: 'pending' }, { status: 'accepted' });
    return (r.affected ?? 0) === 1;
  }

  async pendingFor(userId: string): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
    const [incoming, outgoing] = await Promise.all([
      this.repo.find({ where: { toUserId: userId, status: 'pending' }, order: { createdAt: 'ASC' } }),
      this.repo.find({ where: { fromUserId: userId, status: 'pending' }, order: { createdAt: 'ASC' } }),
    ]);
    return { incoming: incoming.map(view), outgoing: outgoing.map(view) };
  }

  /** Ids of the users `userId` is friends with. */
  async friendIds(userId: string): Promise<string[]> {
    const rows = await this.repo.find({
      where: [
        { userLow: userId, status: 'accepted' },
        { userHigh: userId, status: 'accepted' },
      ],
    });
    return rows.map((r) => (r.userLow === userId ? r.userHigh : r.userLow));
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    return (await this.repo.countBy({ ...pair(a, b), status: 'accepted' })) > 0;
  }

  /** Deletes the pair's row (friendship or request); true if there was one. */
  async removePair(a: string, b: string): Promise<boolean> {
    const r = await this.repo.delete(pair(a, b));
    return (r.affected ?? 0) > 0;
  }
}

function view(r: FriendRequestEntity): FriendRequest {
  return {
    id: r.id,
    fromUserId: r.fromUserId,
    toUserId: r.toUserId,
    status: r.status,
    createdAt: r.createdAt,
  };
}
