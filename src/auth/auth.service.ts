import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { PublicUserDto } from '../users/user.dto';
import { DuplicateUsername, User, UsersRepository } from '../users/users.repository';
import { AccessTokens } from './access-token';
import { SessionDto, TokensDto } from './auth.dto';
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

  /** Checks a password; the same work and the same answer whether the user or the password is wrong. */
  async verifyCredentials(usernameRaw: string, password: string): Promise<User> {
    const found = await this.users.findByUsernameWithSecret(usernameRaw.toLowerCase());
    const ok = await this.hasher.verify(found?.passwordHash, password);
    if (!found || !ok) throw AppError.unauthorized('wrong username or password');
    if (found.banned) throw AppError.forbidden('this account is banned');
    const { passwordHash: _omit, ...user } = found;
    return this.syncAdminRole(user);
  }

  async session(user: User): Promise<SessionDto> {
    return {
      user: PublicUserDto.of(user),
      accessToken: this.access.sign(user),
      refreshToken: await this.refresh.issue(user.id),
    };
  }

  async refreshSession(token: string): Promise<TokensDto> {
    const { userId, refreshToken } = await this.refresh.rotate(token);
    const user = await this.users.findById(userId);
    if (!user) throw AppError.unauthorized('user no longer exists');
    if (user.banned) {
      await this.refresh.revokeAllOfUser(user.id);
      throw AppError.forbidden('this account is banned');
    }
    return { accessToken: this.access.sign(await this.syncAdminRole(user)), refreshToken };
  }

  logout(token: string): Promise<void> {
    return this.refresh.revoke(token);
  }

  /** ADMIN_USERNAMES is the source of truth for the admin role, also for users who registered before it was set. */
  private async syncAdminRole(user: User): Promise<User> {
    const role = this.config.adminUsernames.has(user.username) ? 'admin' : 'user';
    if (role !== user.role) await this.users.setRole(user.id, role);
    return { ...user, role };
  }
}
