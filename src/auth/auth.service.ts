import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { PublicUserDto } from '../users/user.dto';
import { DuplicateUsername, User, UsersRepository } from '../users/users.repository';
import type { AuthUser } from '../common/auth-user';
import { AccessTokens } from './access-token';
import { SessionDto, TokensDto } from './auth.dto';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { RefreshTokens } from './refresh-tokens';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly access: AccessTokens,
    private readonly refresh: RefreshTokens,
    private readonly config: AppConfig,
    private readonly throttle: LoginThrottle,
  ) {}

  async register(input: { username: string; password: string; displayName?: string }): Promise<SessionDto> {
    const username = input.username.toLowerCase();
    const role = this.config.adminUsernames.has(username) ? 'admin' : 'user';
    try {
      const user = await this.users.create({
        id: randomUUID(),
        username,
        displayName: input.displayName?.trim() || username,
        passwordHash: await this.hasher.hash(input.password),
        role,
      });
      return this.session(user);
    } catch (e) {
      if (e instanceof DuplicateUsername) throw AppError.conflict('username is taken');
      throw e;
    }
  }

  /**
   * Checks a password; the same work and the same answer whether the user or the password is wrong. Failures
   * per username are limited (LoginThrottle), whether the username exists or not.
   */
  async verifyCredentials(usernameRaw: string, password: string): Promise<User> {
    const username = usernameRaw.toLowerCase();
    await this.takeAttempt(username);
    const found = await this.users.findByUsernameWithSecret(username);
    const ok = await this.hasher.verify(found?.passwordHash, password);
    if (!found || !ok) throw AppError.unauthorized('wrong username or password');
    await this.throttle.giveBack(username);
    if (found.banned) throw AppError.forbidden('this account is banned');
    const { passwordHash: _omit, ...user } = found;
    return this.syncAdminRole(user);
  }

  async session(user: User): Promise<SessionDto> {
    const { sessionId, refreshToken } = await this.refresh.start(user.id);
    return { user: PublicUserDto.of(user), accessToken: this.access.sign(user, sessionId), refreshToken };
  }

  async refreshSession(token: string): Promise<TokensDto> {
    const { userId, sessionId, refreshToken } = await this.refresh.rotate(token);
    const user = await this.users.findById(userId);
    if (!user) throw AppError.unauthorized('user no longer exists');
    if (user.banned) {
      await this.refresh.revokeAllOfUser(user.id);
      throw AppError.forbidden('this account is banned');
    }
    return { accessToken: this.access.sign(await this.syncAdminRole(user), sessionId), refreshToken };
  }

  logout(token: string): Promise<void> {
    return this.refresh.revoke(token);
  }

  /**
   * Sets a new password and ends every other session of the user (their tokens are refused, their sockets
   * disconnected); the caller's session goes on. A wrong current password is `forbidden`, not
   * `unauthorized` (the caller's token is fine; a client must not sign out), and counts as a failed login.
   */
  async changePassword(caller: AuthUser, currentPassword: string, newPassword: string): Promise<void> {
    await this.takeAttempt(caller.username);
    const found = await this.users.findByUsernameWithSecret(caller.username);
    if (!found || found.id !== caller.id) throw AppError.unauthorized();
    if (!(await this.hasher.verify(found.passwordHash, currentPassword)))
      throw AppError.forbidden('the current password is wrong');
    await this.throttle.giveBack(caller.username);
    await this.users.setPasswordHash(caller.id, await this.hasher.hash(newPassword));
    await this.refresh.revokeAllOfUser(caller.id, caller.sid);
  }

  private async takeAttempt(username: string): Promise<void> {
    if (!(await this.throttle.take(username)))
      throw new AppError('rate_limited', 'too many failed logins for this account; try again in a minute');
  }

  /**
   * ADMIN_USERNAMES grants the admin role, also to users who registered before it was set. It never takes the
   * role away: an admin may have granted it at run time (AdminRoles), and revoking is theirs to do.
   */
  private async syncAdminRole(user: User): Promise<User> {
    if (user.role === 'admin' || !this.config.adminUsernames.has(user.username)) return user;
    await this.users.setRole(user.id, 'admin');
    return { ...user, role: 'admin' };
  }
}
