import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/app-error';
import { snowflakeAt } from '../ids/snowflake';
import { UsersRepository } from '../users/users.repository';
import { GroupRole, MAX_GROUP_MEMBERS } from './group.entities';
import { GroupDto } from './groups.dto';
import { Group, GroupFull, GroupsRepository } from './groups.repository';

const full = () => AppError.conflict(`a group has at most ${MAX_GROUP_MEMBERS} members`);
/** New members see messages from the moment they join (DESIGN: membership over time, docs/architecture.md). */
const nowId = () => snowflakeAt(Date.now()).toString();

@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly users: UsersRepository,
  ) {}

  async create(ownerId: string, name: string, memberIds: string[]): Promise<GroupDto> {
    const others = [...new Set(memberIds)].filter((u) => u !== ownerId);
    if (others.length + 1 > MAX_GROUP_MEMBERS) throw full();
    await this.requireUsers(others);
    const id = randomUUID();
    try {
      await this.groups.create({
        id,
        name: name.trim() || 'group',
        ownerId,
        memberIds: others,
        visibleFrom: '0',
      });
    } catch (e) {
      if (e instanceof GroupFull) throw full();
      throw e;
    }
    return GroupDto.of((await this.groups.find(id))!);
  }

  async mine(userId: string): Promise<GroupDto[]> {
    return (await this.groups.findMany(await this.groups.groupIdsOf(userId))).map(GroupDto.of);
  }

  async get(userId: string, groupId: string): Promise<GroupDto> {
    return GroupDto.of(await this.memberView(userId, groupId));
  }

  async addMembers(actorId: string, groupId: string, userIds: string[]): Promise<GroupDto> {
    const g = await this.memberView(actorId, groupId);
    this.requireManager(g, actorId);
    await this.requireUsers(userIds);
    try {
      await this.groups.addMembers(groupId, userIds, nowId());
    } catch (e) {
      if (e instanceof GroupFull) throw full();
      throw e;
    }
    return GroupDto.of((await this.groups.find(groupId))!);
  }

  /**
   * Removes a member (owner or admins may remove others; admins only plain members) or lets a member leave.
   * An owner who leaves hands the group to the longest-standing admin, else member; the last one out deletes it.
   */
  async removeMember(actorId: string, groupId: string, userId: string): Promise<void> {
    const g = await this.memberView(actorId, groupId);
    const target = g.members.find((m) => m.userId === userId);
    if (!target) throw AppError.notFound('not a member of this group');
    if (actorId !== userId) {
      const actor = this.requireManager(g, actorId);
      if (target.role === 'owner' || (actor.role === 'admin' && target.role === 'admin')) {
        throw AppError.forbidden('you cannot remove this member');
      }
    }
    await this.groups.removeMember(groupId, userId);
    if (target.role !== 'owner') return;
    const heir = g.members.filter((m) => m.userId !== userId).sort((a, b) => rank(a.role) - rank(b.role))[0];
    if (!heir) return this.groups.delete(groupId);
    await this.groups.setRole(groupId, heir.userId, 'owner');
    await this.groups.setOwner(groupId, heir.userId);
  }

  async setRole(
    actorId: string,
    groupId: string,
    userId: string,
    role: 'admin' | 'member',
  ): Promise<GroupDto> {
    const g = await this.memberView(actorId, groupId);
    if (g.ownerId !== actorId) throw AppError.forbidden('only the owner changes roles');
    const target = g.members.find((m) => m.userId === userId);
    if (!target) throw AppError.notFound('not a member of this group');
    if (target.role === 'owner') throw AppError.badRequest('the owner keeps the owner role');
    await this.groups.setRole(groupId, userId, role);
    return GroupDto.of((await this.groups.find(groupId))!);
  }

  private async memberView(userId: string, groupId: string): Promise<Group> {
    const g = await this.groups.find(groupId);
    if (!g) throw AppError.notFound('group not found');
    if (!g.members.some((m) => m.userId === userId)) throw AppError.forbidden('not a member of this group');
    return g;
  }

  private requireManager(g: Group, actorId: string) {
    const actor = g.members.find((m) => m.userId === actorId)!;
    if (actor.role === 'member') throw AppError.forbidden('only the owner and admins manage members');
    return actor;
  }

  private async requireUsers(ids: string[]): Promise<void> {
    const unique = [...new Set(ids)];
    const found = await this.users.findManyByIds(unique);
    if (found.length !== unique.length) throw AppError.notFound('user not found');
  }
}

const rank = (r: GroupRole) => (r === 'owner' ? 0 : r === 'admin' ? 1 : 2);
