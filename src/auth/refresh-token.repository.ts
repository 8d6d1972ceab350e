import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

export interface StoredRefreshToken {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

@Injectable()
export class RefreshTokenRepository {
  constructor(@InjectRepository(RefreshTokenEntity) private readonly repo: Repository<RefreshTokenEntity>) {}

  async insert(token: Omit<StoredRefreshToken, 'usedAt' | 'revokedAt'>): Promise<void> {
    await this.repo.insert({ ...token, usedAt: null, revokedAt: null });
  }

  find(id: string): Promise<StoredRefreshToken | null> {
    return this.repo.findOneBy({ id });
  }

  /** Marks a token used; false when it was already used or revoked (a concurrent or replayed use). */
  async markUsed(id: string, at: Date): Promise<boolean> {
    const r = await this.repo.update({ id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: at });
    return (r.affected ?? 0) === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.repo.update({ familyId, revokedAt: IsNull() }, { revokedAt: at });
  }

  async revokeAllOfUser(userId: string, at: Date, exceptFamilyId?: string): Promise<void> {
    const where =
      exceptFamilyId === undefined
        ? { userId, revokedAt: IsNull() }
        : { userId, familyId: Not(exceptFamilyId), revokedAt: IsNull() };
    await this.repo.update(where, { revokedAt: at });
  }

  /**
   * A session is live while its family has a token that is not revoked (revocation marks every token of the
   * family; an unknown family is not live). One indexed lookup on family_id.
   */
  familyLive(familyId: string): Promise<boolean> {
    return this.repo.exists({ where: { familyId, revokedAt: IsNull() } });
  }
}
