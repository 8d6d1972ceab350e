import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { RefreshTokenRepository } from './refresh-token.repository';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Opaque refresh tokens `<id>.<secret>`, stored as a hash of the secret. Every use rotates the token; a token
 * used twice means it was stolen (or the client misbehaved), so its whole family is revoked.
 */
@Injectable()
export class RefreshTokens {
  constructor(
    private readonly repo: RefreshTokenRepository,
    private readonly config: AppConfig,
  ) {}

  async issue(userId: string, familyId: string = randomUUID()): Promise<string> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.jwt.refreshTtlDays * 86_400_000);
    await this.repo.insert({ id, userId, familyId, tokenHash: sha256(secret), expiresAt });
    return `${id}.${secret}`;
  }

  /** Consumes a token and returns its user and a rotated successor. */
  async rotate(token: string): Promise<{ userId: string; refreshToken: string }> {
    const stored = await this.lookup(token);
    const now = new Date();
    if (stored.revokedAt || stored.expiresAt <= now)
      throw AppError.unauthorized('refresh token expired or revoked');
    if (stored.usedAt || !(await this.repo.markUsed(stored.id, now))) {
      await this.repo.revokeFamily(stored.familyId, now);
      throw AppError.unauthorized('refresh token reuse detected; the session was revoked');
    }
    return { userId: stored.userId, refreshToken: await this.issue(stored.userId, stored.familyId) };
  }

  /** Logout: revokes the token's family. Unknown tokens are ignored so logout is idempotent. */
  async revoke(token: string): Promise<void> {
    const stored = await this.lookup(token).catch(() => undefined);
    if (stored) await this.repo.revokeFamily(stored.familyId, new Date());
  }

  revokeAllOfUser(userId: string): Promise<void> {
    return this.repo.revokeAllOfUser(userId, new Date());
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
