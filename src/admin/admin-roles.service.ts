import { Injectable } from '@nestjs/common';
import type { UserRole } from '../common/auth-user';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { User, UsersRepository } from '../users/users.repository';
import { AuditRepository } from './audit.repository';

/** Who did it: an admin's user id, or `cli` for the operator's command line working on the store directly. */
export type RoleActor = string;

/**
 * Grants and revokes the admin role at run time, audited. The role is read from the store on every request
 * and handshake (AccessAuthenticator), so a change takes effect at once, not when tokens expire.
 * ADMIN_USERNAMES stays a way to name the first admins: they get the role when they register or sign in, and
 * it cannot be revoked here while the configuration names them.
 */
@Injectable()
export class AdminRoles {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditRepository,
    private readonly config: AppConfig,
  ) {}

  async set(actor: RoleActor, user: User, role: UserRole): Promise<User> {
    if (role === user.role) return user;
    if (role === 'user') {
      if (actor === user.id) throw AppError.badRequest('you cannot revoke your own admin role');
      if (this.config.adminUsernames.has(user.username))
        throw AppError.conflict(
          'this user is an admin by configuration (ADMIN_USERNAMES); remove them there',
        );
    }
    await this.users.setRole(user.id, role);
    await this.audit.record({
      actorId: actor,
      action: role === 'admin' ? 'user.grant-admin' : 'user.revoke-admin',
      targetType: 'user',
      targetId: user.id,
      details: { username: user.username },
    });
    return { ...user, role };
  }

  async setByUsername(actor: RoleActor, username: string, role: UserRole): Promise<User> {
    const found = await this.users.findByUsernameWithSecret(username.toLowerCase());
    if (!found) throw AppError.notFound(`no user named ${username}`);
    const { passwordHash: _omit, ...user } = found;
    return this.set(actor, user, role);
  }
}
