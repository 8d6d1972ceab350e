import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { UsersRepository } from '../users/users.repository';
import { AccessTokens, AuthUser } from './access-token';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: AppConfig,
    private readonly users: UsersRepository,
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

  /** A ban takes effect on the next request, not when the access token expires. */
  async validate(payload: Record<string, unknown>): Promise<AuthUser> {
    const claimed = AccessTokens.toUser(payload);
    const user = await this.users.findById(claimed.id);
    if (!user) throw AppError.unauthorized();
    if (user.banned) throw AppError.forbidden('this account is banned');
    return claimed;
  }
}
