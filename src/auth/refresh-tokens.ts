import { Injectable, Optional } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { RealtimeEmitter, sessionRoom, userRoom } from '../realtime/realtime-emitter';
import { RefreshTokenRepository } from './refresh-token.repository';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Opaque refresh tokens `<id>.<secret>`, stored as a hash of the secret. Every use rotates the token; a token
 * used twice means it was stolen (or the client misbehaved), so its whole family is revoked.
 *
 * A family is a session: access tokens carry its id (`sid`), REST and the handshake refuse them once it is
 * revoked, and its sockets (room `session:<sid>`) are disconnected on every node when it ends. Processes
 * with no realtime emitter (none today: every role has one when it can revoke) only revoke.
 */
@Injectable()
export class RefreshTokens {
  constructor(
    private readonly repo: RefreshTokenRepository,
    private readonly config: AppConfig,
    @Optional() private readonly realtime?: RealtimeEmitter,
  ) {}

  /** A new session: its id (the family) and its first refresh token. */
  async start(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = randomUUID();
    return { sessionId, refreshToken: await this.issue(userId, sessionId) };
  }

  /** Consumes a token and returns its user, its session and a rotated successor. */
  async rotate(token: string): Promise<{ userId: string; sessionId: string; refreshToken: string }> {
    const stored = await this.lookup(token);
    const now = new Date();
    if (stored.revokedAt || stored.expiresAt <= now)
      throw AppError.unauthorized('refresh token expired or revoked');
    if (stored.usedAt || !(await this.repo.markUsed(stored.id, now))) {
      await this.endSession(stored.familyId, now);
      throw AppError.unauthorized('refresh token reuse detected; the session was revoked');
    }
    return {
      userId: stored.userId,
      sessionId: stored.familyId,
      refreshToken: await this.issue(stored.userId, stored.familyId),
    };
  }

  /** Logout: ends the token's session. Unknown tokens are ignored so logout is idempotent. */
  async revoke(token: string): Promise<void> {
    const stored = await this.lookup(token).catch(() => undefined);
    if (stored) await this.endSession(stored.familyId, new Date());
  }

  /** Ends every session of the user but `keepSessionId` (when given): tokens refused, sockets disconnected. */
  async revokeAllOfUser(userId: string, keepSessionId?: string): Promise<void> {
    await this.repo.revokeAllOfUser(userId, new Date(), keepSessionId);
    this.realtime?.disconnect(userRoom(userId), keepSessionId && sessionRoom(keepSessionId));
  }

  isLive(sessionId: string): Promise<boolean> {
    return this.repo.familyLive(sessionId);
  }

  private async endSession(familyId: string, at: Date): Promise<void> {
    await this.repo.revokeFamily(familyId, at);
    this.realtime?.disconnect(sessionRoom(familyId));
  }

  private async issue(userId: string, familyId: string): Promise<string> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.jwt.refreshTtlDays * 86_400_000);
    await this.repo.insert({ id, userId, familyId, tokenHash: sha256(secret), expiresAt });
    return `${id}.${secret}`;
  }

  private async lookup(token: string) {
    const [id, secret, extra] = token.split('.');
    if (!id || !secret || extra !== undefined || id.length !== 36)
      throw AppError.unauthorized('invalid refresh token');
    const stored = await this.repo.find(id);
    const given = Buffer.from(sha256(secret), 'hex');
    if (!stored || !timingSafeEqual(given, Buffer.from(stored.tokenHash, 'hex'))) {
      throw AppError.unauthorized('invalid refresh token');
    }
    return stored;
  }
}
