import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import type { AuthUser } from '../common/auth-user';
import { AccessAuthenticator } from './access-authenticator';
import { AccessTokens } from './access-token';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: AppConfig,
    private readonly authenticator: AccessAuthenticator,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands it to jsonwebtoken, which takes a key object (its types say string | Buffer).
      secretOrKey: config.jwtKey as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
    });
  }

  /** passport-jwt has checked the signature and the claims; AccessAuthenticator decides the rest. */
  async validate(payload: Record<string, unknown>): Promise<AuthUser> {
    return this.authenticator.admit(AccessTokens.toUser(payload));
  }
}
