import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AccessAuthenticator } from '../auth/access-authenticator';
import type { AuthUser } from '../common/auth-user';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';

/** Where the dashboards live (outside /api: they are pages, not the contract). */
export const DASHBOARD_PATHS = { login: '/admin/login', queues: '/admin/queues' } as const;
export const DASHBOARD_COOKIE = 'chat_dashboard';
const TICKET_SECONDS = 60;
export const COOKIE_SECONDS = 15 * 60;

type Kind = 'dashboard-ticket' | 'dashboard';
interface Claims {
  sub: string;
  name: string;
  sid?: string;
  typ: Kind;
}

/**
 * How a browser gets into the admin dashboards. An admin's REST call (bearer token) answers a sign-in link with
 * a one-minute ticket; opening it sets a 15-minute HttpOnly, SameSite=Strict cookie scoped to /admin. Both are
 * JWTs under their own audience, so neither is an access token nor can one be used as them. Every dashboard
 * request admits the cookie's user as REST admits a bearer (not banned, session live) and needs the admin role
 * in the store at that moment: a revoke, a ban or a logout shuts the dashboards too.
 */
@Injectable()
export class DashboardSessions {
  private readonly jwt: JwtService;

  constructor(
    private readonly config: AppConfig,
    private readonly authenticator: AccessAuthenticator,
  ) {
    this.jwt = new JwtService({
      secret: config.jwtKey,
      signOptions: { algorithm: 'HS256', issuer: config.jwt.issuer, audience: 'chat-dashboards' },
      verifyOptions: { algorithms: ['HS256'], issuer: config.jwt.issuer, audience: 'chat-dashboards' },
    });
  }

  /** Whether this process serves the dashboards: DASHBOARDS=true, the api role, and BullMQ (not embedded). */
  get enabled(): boolean {
    return this.config.dashboards && this.config.hasRole('api') && this.config.topology.queue === 'bullmq';
  }

  signInLink(admin: AuthUser): { url: string; expiresAt: string } {
    if (!this.enabled)
      throw AppError.notFound(
        'the dashboards are off here (DASHBOARDS=false, or embedded mode without BullMQ)',
      );
    const ticket = this.sign(admin, 'dashboard-ticket', TICKET_SECONDS);
    return {
      url: `${DASHBOARD_PATHS.login}?ticket=${encodeURIComponent(ticket)}`,
      expiresAt: new Date(Date.now() + TICKET_SECONDS * 1000).toISOString(),
    };
  }

  /** A ticket, still valid and still an admin's, becomes the cookie's value. */
  async cookieFor(ticket: unknown): Promise<string> {
    const user = await this.admit(ticket, 'dashboard-ticket');
    return this.sign(user, 'dashboard', COOKIE_SECONDS);
  }

  /** The cookie of a dashboard request: its admin, or an AppError (unauthorized, forbidden, unavailable). */
  admitCookie(cookie: unknown): Promise<AuthUser> {
    return this.admit(cookie, 'dashboard');
  }

  private sign(user: AuthUser, typ: Kind, seconds: number): string {
    const claims: Claims = { sub: user.id, name: user.username, sid: user.sid, typ };
    return this.jwt.sign(claims, { expiresIn: seconds });
  }

  private async admit(token: unknown, typ: Kind): Promise<AuthUser> {
    let claims: Claims;
    try {
      if (typeof token !== 'string' || token.length > 4096) throw new Error('no token');
      claims = this.jwt.verify<Claims>(token);
    } catch {
      throw AppError.unauthorized('sign in to the dashboards again (POST /api/admin/dashboards/session)');
    }
    if (claims.typ !== typ) throw AppError.unauthorized();
    const user = await this.authenticator.admit({
      id: claims.sub,
      username: claims.name,
      role: 'user',
      sid: claims.sid,
    });
    if (user.role !== 'admin') throw AppError.forbidden('admin role required');
    return user;
  }
}
