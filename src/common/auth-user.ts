export type UserRole = 'user' | 'admin';

/**
 * What an access token proves about its bearer: the principal every authenticated route and socket sees.
 * It lives below the features so that each of them can name its caller without importing `auth`.
 */
export interface AuthUser {
  id: string;
  username: string;
  role: UserRole;
  /**
   * The session (refresh-token family) the token was issued for; ending the session ends the token. Tokens
   * signed before sessions were tracked have none and live out their short TTL.
   */
  sid?: string;
}
