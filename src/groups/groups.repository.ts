import { isUniqueViolation } from '../database/unique-violation';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { GroupEntity, GroupMemberEntity, GroupRole, MAX_GROUP_MEMBERS } from './group.entities';
import { padId, unpadId } from '../ids/padded-id';
import { ConversationRow } from '../conversations/conversation.entity';
import { joinedRow } from '../conversations/conversations.sql';

export interface GroupMember {
  userId: string;
  role: GroupRole;
  /** Decimal message id (no padding): the member sees messages with id >= this. */
  visibleFrom: string;
  joinedAt: Date;
}

export interface Group {
  id: string;
  name: string;
  ownerId: string;
  createdAt: Date;
  members: GroupMember[];
}

/** Thrown when an add would take a group past MAX_GROUP_MEMBERS. */
export class GroupFull extends Error {}

@Injectable()
export class GroupsRepository {
  private readonly groups: Repository<GroupEntity>;
  private readonly members: Repository<GroupMemberEntity>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.groups = ds.getRepository(GroupEntity);
    this.members = ds.getRepository(GroupMemberEntity);
  }

  async create(g: {
    id: string;
    name: string;
    ownerId: string;
    memberIds: string[];
    visibleFrom: string;
  }): Promise<void> {
    const all = [g.ownerId, ...g.memberIds];
    if (all.length > MAX_GROUP_MEMBERS) throw new GroupFull();
    await this.groups.insert({ id: g.id, name: g.name, ownerId: g.ownerId, memberCount: 0 });
    await this.addMembers(g.id, all, g.visibleFrom, (u) => (u === g.ownerId ? 'owner' : 'member'));
  }

  async find(id: string): Promise<Group | null> {
    const g = await this.groups.findOneBy({ id });
    if (!g) return null;
    const members = await this.members.find({
      where: { groupId: id },
      order: { joinedAt: 'ASC', userId: 'ASC' },
    });
    return {
      id: g.id,
      name: g.name,
      ownerId: g.ownerId,
      createdAt: g.createdAt,
      members: members.map(toMember),
    };
  }

  async exists(groupId: string): Promise<boolean> {
    return (await this.groups.countBy({ id: groupId })) > 0;
  }

  /** Operators' listing, newest first, with the total for paging. */
  async page(offset: number, limit: number): Promise<{ groups: Group[]; total: number }> {
    const [rows, total] = await this.groups.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
    const full = await this.findMany(rows.map((r) => r.id));
    const order = new Map(rows.map((r, i) => [r.id, i]));
    return { groups: full.sort((a, b) => order.get(a.id)! - order.get(b.id)!), total };
  }

  async member(groupId: string, userId: string): Promise<GroupMember | null> {
    const m = await this.members.findOneBy({ groupId, userId });
    return m && toMember(m);
  }

  async memberIds(groupId: string): Promise<GroupMember[]> {
    return (await this.members.findBy({ groupId })).map(toMember);
  }

  /** The names of the groups that exist among `ids`. */
  async names(ids: readonly string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.groups.find({ where: { id: In([...ids]) }, select: { id: true, name: true } });
    return new Map(rows.map((g) => [g.id, g.name]));
  }

  async groupIdsOf(userId: string): Promise<string[]> {
    return (await this.members.find({ where: { userId }, select: { groupId: true } })).map((m) => m.groupId);
  }

  async findMany(ids: string[]): Promise<Group[]> {
    if (!ids.length) return [];
    const [groups, members] = await Promise.all([
      this.groups.findBy({ id: In(ids) }),
      this.members.find({ where: { groupId: In(ids) }, order: { joinedAt: 'ASC', userId: 'ASC' } }),
    ]);
    return groups
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((g) => ({ ...g, members: members.filter((m) => m.groupId === g.id).map(toMember) }));
  }

  /**
   * Adds users who are not members yet. The cap holds under concurrency: the member counter is raised by a
   * single conditional UPDATE (`member_count + n <= 100`) before the rows go in, so two concurrent adds
   * can never both pass 100. Returns the ids actually added.
   */
  async addMembers(
    groupId: string,
    userIds: string[],
    visibleFrom: string,
    role: (u: string) => GroupRole = () => 'member',
  ): Promise<string[]> {
    const existing = new Set(
      (await this.members.findBy({ groupId, userId: In(userIds) })).map((m) => m.userId),
    );
    const fresh = [...new Set(userIds)].filter((u) => !existing.has(u));
    if (!fresh.length) return [];
    await this.reserve(groupId, fresh.length);
    const added: string[] = [];
    const at = Date.now();
    for (const userId of fresh) {
      try {
        // The membership and the member's conversation row (the group in their list) are one write.
        await this.ds.transaction(async (tx) => {
          await tx.insert(GroupMemberEntity, {
            groupId,
            userId,
            role: role(userId),
            visibleFrom: padId(visibleFrom),
          });
          await tx
            .createQueryBuilder()
            .insert()
            .into(ConversationRow)
            .values(joinedRow(groupId, userId, visibleFrom, at))
            .orIgnore()
            .execute();
        });
        added.push(userId);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
    }
    // A concurrent add of the same user won the row: give back the places it reserved here.
    if (added.length < fresh.length) await this.release(groupId, fresh.length - added.length);
    return added;
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    // The group leaves the member's list with the membership: no receipts or counts from it after removal.
    const affected = await this.ds.transaction(async (tx) => {
      const r = await tx.delete(GroupMemberEntity, { groupId, userId });
      await tx.delete(ConversationRow, { userId, channelId: groupId });
      return r.affected ?? 0;
    });
    if (affected === 0) return false;
    await this.release(groupId, 1);
    return true;
  }

  async setRole(groupId: string, userId: string, role: GroupRole): Promise<void> {
    await this.members.update({ groupId, userId }, { role });
  }

  async setOwner(groupId: string, ownerId: string): Promise<void> {
    await this.groups.update({ id: groupId }, { ownerId });
  }

  async delete(groupId: string): Promise<void> {
    await this.ds.getRepository(ConversationRow).delete({ channelId: groupId });
    await this.members.delete({ groupId });
    await this.groups.delete({ id: groupId });
  }

  private async reserve(groupId: string, n: number): Promise<void> {
    const r = await this.groups
      .createQueryBuilder()
      .update()
      .set({ memberCount: () => `member_count + ${n}` })
      .where('id = :id AND member_count + :n <= :max', { id: groupId, n, max: MAX_GROUP_MEMBERS })
      .execute();
    if ((r.affected ?? 0) !== 1) throw new GroupFull();
  }

  private async release(groupId: string, n: number): Promise<void> {
    await this.groups
      .createQueryBuilder()
      .update()
      .set({ memberCount: () => `member_count - ${n}` })
      .where('id = :id', { id: groupId })
      .execute();
  }
}

function toMember(m: GroupMemberEntity): GroupMember {
  return { userId: m.userId, role: m.role, visibleFrom: unpadId(m.visibleFrom), joinedAt: m.joinedAt };
}
