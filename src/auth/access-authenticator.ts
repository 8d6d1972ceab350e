import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth-user';
import { AppError } from '../common/app-error';
import { UsersRepository } from '../users/users.repository';
import { AccessTokens } from './access-token';
import { RefreshTokens } from './refresh-tokens';

/**
 * Who may use an access token: the one rule for REST (the JWT strategy) and the Socket.IO handshake alike.
 * A ban, a logout, a revoked session, a password change or a change of role takes effect on the next request or handshake,
 * not when the token expires. The two lookups (both by key) run side by side; a store outage rejects with
 * its own error, never `unauthorized`.
 */
@Injectable()
export class AccessAuthenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly users: UsersRepository,
    private readonly sessions: RefreshTokens,
  ) {}

  /** The handshake: a token as the client gave it (any value), checked as HTTP checks a bearer token. */
  async authenticate(token: unknown): Promise<AuthUser> {
    return this.admit(this.tokens.verify(token));
  }

  /** A token whose signature, issuer, audience and expiry are already verified: is its bearer still in? */
  async admit(claimed: AuthUser): Promise<AuthUser> {
    const [user, live] = await Promise.all([
      this.users.findById(claimed.id),
      claimed.sid === undefined ? true : this.sessions.isLive(claimed.sid),
    ]);
    if (!user) throw AppError.unauthorized();
    if (user.banned) throw AppError.forbidden('this account is banned');
    if (!live) throw AppError.unauthorized('the session has ended; sign in again');
    // The role is the store's, not the token's: a grant or a revoke counts from the next request.
    return { ...claimed, role: user.role };
  }
}
