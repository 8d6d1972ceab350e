import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppError } from '../common/app-error';
import type { AuthUser, UserRole } from '../common/auth-user';

interface AccessClaims {
  sub: string;
  name: string;
  role: UserRole;
  typ: 'access';
  sid?: string;
}

/**
 * Signs and checks access tokens. The algorithm is pinned (HS256) and issuer and audience are checked, on
 * HTTP (the passport JWT strategy) and on the Socket.IO handshake alike.
 */
@Injectable()
export class AccessTokens {
  constructor(private readonly jwt: JwtService) {}

  sign(user: Omit<AuthUser, 'sid'>, sid: string): string {
    const claims: AccessClaims = { sub: user.id, name: user.username, role: user.role, typ: 'access', sid };
    return this.jwt.sign(claims);
  }

  /** For the Socket.IO handshake (AccessAuthenticator): the same checks as HTTP, any failure is `unauthorized`. */
  verify(token: unknown): AuthUser {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw AppError.unauthorized();
    try {
      return AccessTokens.toUser(this.jwt.verify<AccessClaims>(token));
    } catch {
      throw AppError.unauthorized();
    }
  }

  static toUser(claims: Partial<AccessClaims>): AuthUser {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.name !== 'string') {
      throw AppError.unauthorized();
    }
    return {
      id: claims.sub,
      username: claims.name,
      role: claims.role === 'admin' ? 'admin' : 'user',
      sid: typeof claims.sid === 'string' ? claims.sid : undefined,
    };
  }
}
