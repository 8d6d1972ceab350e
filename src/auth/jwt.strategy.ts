import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { UsersRepository } from '../users/users.repository';
import type { AuthUser } from '../common/auth-user';
import { AccessTokens } from './access-token';
import { RefreshTokens } from './refresh-tokens';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: AppConfig,
    private readonly users: UsersRepository,
    private readonly sessions: RefreshTokens,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
    });
  }

  /**
   * A ban, a logout, a revoked session or a password change takes effect on the next request, not when the
   * access token expires. The two lookups (both by key) run side by side.
   */
  async validate(payload: Record<string, unknown>): Promise<AuthUser> {
    const claimed = AccessTokens.toUser(payload);
    const [user, live] = await Promise.all([
      this.users.findById(claimed.id),
      claimed.sid === undefined ? true : this.sessions.isLive(claimed.sid),
    ]);
    if (!user) throw AppError.unauthorized();
    if (user.banned) throw AppError.forbidden('this account is banned');
    if (!live) throw AppError.unauthorized('the session has ended; sign in again');
    return claimed;
  }
}
