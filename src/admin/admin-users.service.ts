import { Injectable } from '@nestjs/common';
import { RefreshTokens } from '../auth/refresh-tokens';
import { AppError } from '../common/app-error';
import { PresenceQuery } from '../presence/presence-query.service';
import { RealtimeEmitter, userRoom } from '../realtime/realtime-emitter';
import { User, UsersRepository } from '../users/users.repository';
import type { UserRole } from '../common/auth-user';
import { AdminRoles } from './admin-roles.service';
import { AdminUserDto } from './admin.dto';
import { AuditRepository } from './audit.repository';

/** Moderation: list and inspect users, ban (effective everywhere at once), unban, force logout. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly refresh: RefreshTokens,
    private readonly realtime: RealtimeEmitter,
    private readonly presence: PresenceQuery,
    private readonly audit: AuditRepository,
    private readonly roles: AdminRoles,
  ) {}

  async list(q: {
    search?: string;
    offset?: number;
    limit?: number;
  }): Promise<{ users: AdminUserDto[]; total: number }> {
    const { users, total } = await this.users.page({
      prefix: q.search?.toLowerCase(),
      offset: q.offset ?? 0,
      limit: q.limit ?? 50,
    });
    return { users: await this.view(users), total };
  }

  async show(id: string): Promise<AdminUserDto> {
    return (await this.view([await this.get(id)]))[0];
  }

  /** Refuses logins, refreshes and REST calls from now on, and disconnects every socket of the user on every node. */
  async ban(actorId: string, id: string): Promise<AdminUserDto> {
    if (actorId === id) throw AppError.badRequest('you cannot ban yourself');
    await this.get(id);
    await this.users.setBanned(id, true);
    await this.refresh.revokeAllOfUser(id);
    this.realtime.disconnect(userRoom(id));
    await this.audit.record({ actorId, action: 'user.ban', targetType: 'user', targetId: id });
    return this.show(id);
  }

  async unban(actorId: string, id: string): Promise<AdminUserDto> {
    await this.get(id);
    await this.users.setBanned(id, false);
    await this.audit.record({ actorId, action: 'user.unban', targetType: 'user', targetId: id });
    return this.show(id);
  }

  /** Ends every session of the user: refresh and access tokens refused from now on, every socket disconnected. */
  async forceLogout(actorId: string, id: string): Promise<void> {
    await this.get(id);
    await this.refresh.revokeAllOfUser(id);
    this.realtime.disconnect(userRoom(id));
    await this.audit.record({ actorId, action: 'user.logout', targetType: 'user', targetId: id });
  }

  /** Grants or revokes the admin role (AdminRoles says when it may not). */
  async setRole(actorId: string, id: string, role: UserRole): Promise<AdminUserDto> {
    await this.roles.set(actorId, await this.get(id), role);
    return this.show(id);
  }

  private async get(id: string): Promise<User> {
    const u = await this.users.findById(id);
    if (!u) throw AppError.notFound('user not found');
    return u;
  }

  private async view(users: User[]): Promise<AdminUserDto[]> {
    const presence = new Map((await this.presence.of(users.map((u) => u.id))).map((p) => [p.userId, p]));
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      banned: u.banned,
      createdAt: u.createdAt.toISOString(),
      lastActiveAt: presence.get(u.id)?.lastActiveAt ?? u.lastActiveAt?.toISOString() ?? null,
      status: presence.get(u.id)?.status ?? 'offline',
    }));
  }
}
