import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { GroupsRepository } from '../groups/groups.repository';
import { UsersRepository } from '../users/users.repository';
import { dmChannelId, parseChannelId } from './channel-id';
import type { ChannelType } from './message';

export interface ResolvedChannel {
  channelId: string;
  channelType: ChannelType;
  /** DM: both users. Groups: undefined; members are read when the message is fanned out. */
  memberIds?: string[];
  /** The smallest message id this user may read in the channel ('0': everything). */
  visibleFrom: string;
}

/** Decides who may read and write a channel. Users are never deleted, so a positive lookup is cached. */
@Injectable()
export class ChannelAccess {
  private readonly knownUsers = new Set<string>();

  constructor(
    private readonly users: UsersRepository,
    private readonly groups: GroupsRepository,
  ) {}

  /** The DM channel from `userId` to `to`. */
  async directTo(userId: string, to: string): Promise<ResolvedChannel> {
    if (to === userId) throw AppError.badRequest('cannot send a direct message to yourself');
    await this.requireUser(to);
    return {
      channelId: dmChannelId(userId, to),
      channelType: 'dm',
      memberIds: [userId, to],
      visibleFrom: '0',
    };
  }

  /** A channel `userId` wants to read or write: forbidden unless they are in it now. */
  async forMember(userId: string, channelId: string): Promise<ResolvedChannel> {
    const parsed = parseChannelId(channelId);
    if (parsed.type === 'group') {
      const member = await this.groups.member(parsed.groupId, userId);
      if (!member) {
        if (!(await this.groups.exists(parsed.groupId))) throw AppError.notFound('channel not found');
        throw AppError.forbidden('not a member of this group');
      }
      return { channelId, channelType: 'group', visibleFrom: member.visibleFrom };
    }
    if (parsed.userA !== userId && parsed.userB !== userId)
      throw AppError.forbidden('not a participant of this channel');
    const other = parsed.userA === userId ? parsed.userB : parsed.userA;
    await this.requireUser(other);
    return { channelId, channelType: 'dm', memberIds: [parsed.userA, parsed.userB], visibleFrom: '0' };
  }

  private async requireUser(id: string): Promise<void> {
    if (this.knownUsers.has(id)) return;
    if (!(await this.users.findById(id))) throw AppError.notFound('user not found');
    if (this.knownUsers.size > 100_000) this.knownUsers.clear();
    this.knownUsers.add(id);
  }
}
