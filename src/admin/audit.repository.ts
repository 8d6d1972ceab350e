import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository } from 'typeorm';
import { IdGenerator } from '../ids/id-generator';
import { AuditEntryEntity } from './audit.entity';
import { padId, unpadId } from '../ids/padded-id';

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  private readonly repo: Repository<AuditEntryEntity>;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly ids: IdGenerator,
  ) {
    this.repo = ds.getRepository(AuditEntryEntity);
  }

  async record(e: {
    actorId: string;
    action: string;
    targetType: string;
    targetId: string;
    details?: Record<string, unknown>;
  }): Promise<void> {
    // Snowflake ids: the log orders by id, exact even for entries in the same millisecond.
    await this.repo.insert({
      id: padId(await this.ids.next()),
      ...e,
      createdAt: new Date(),
      details: JSON.stringify(e.details ?? {}),
    });
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(limit: number, before?: string): Promise<AuditEntry[]> {
    const rows = await this.repo.find({
      where: before ? { id: LessThan(padId(before)) } : {},
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map((r) => ({
      id: unpadId(r.id),
      at: r.createdAt.toISOString(),
      actorId: r.actorId,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }
}
