import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
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

  async revokeAllOfUser(userId: string, at: Date): Promise<void> {
    await this.repo.update({ userId, revokedAt: IsNull() }, { revokedAt: at });
  }
}
