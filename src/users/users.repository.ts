import { isUniqueViolation } from '../database/unique-violation';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, In, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import type { UserRole } from '../common/auth-user';
import { UserEntity } from './user.entity';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  banned: boolean;
  lastActiveAt: Date | null;
  createdAt: Date;
}

export interface UserWithSecret extends User {
  passwordHash: string;
}

/** Thrown when a username is taken (the unique index said so). */
export class DuplicateUsername extends Error {}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  async create(user: Omit<UserWithSecret, 'createdAt' | 'banned' | 'lastActiveAt'>): Promise<User> {
    try {
      await this.repo.insert({ ...user, banned: false, lastActiveAt: null });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DuplicateUsername(user.username);
      throw e;
    }
    return strip((await this.repo.findOneByOrFail({ id: user.id })) as UserWithSecret);
  }

  async findById(id: string): Promise<User | null> {
    const u = await this.repo.findOneBy({ id });
    return u && strip(u);
  }

  async findManyByIds(ids: readonly string[]): Promise<User[]> {
    if (!ids.length) return [];
    return (await this.repo.findBy({ id: In([...ids]) })).map(strip);
  }

  findByUsernameWithSecret(username: string): Promise<UserWithSecret | null> {
    return this.repo.findOneBy({ username });
  }

  /**
   * Usernames starting with `prefix`, in name order. A range scan rather than LIKE: it uses the unique index
   * and has no wildcard characters to escape ('~' sorts after every character a username may contain).
   */
  async searchByPrefix(prefix: string, limit: number): Promise<User[]> {
    const rows = await this.repo.find({
      where: { username: And(MoreThanOrEqual(prefix), LessThan(`${prefix}~`)), banned: false },
      order: { username: 'ASC' },
      take: limit,
    });
    return rows.map(strip);
  }

  /** Operators' listing: name order, optionally by username prefix, with the total for paging. */
  async page(q: {
    prefix?: string;
    offset: number;
    limit: number;
  }): Promise<{ users: User[]; total: number }> {
    const where = q.prefix ? { username: And(MoreThanOrEqual(q.prefix), LessThan(`${q.prefix}~`)) } : {};
    const [rows, total] = await this.repo.findAndCount({
      where,
      order: { username: 'ASC' },
      skip: q.offset,
      take: q.limit,
    });
    return { users: rows.map(strip), total };
  }

  async setRole(id: string, role: UserRole): Promise<void> {
    await this.repo.update({ id }, { role });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.repo.update({ id }, { passwordHash });
  }

  async setBanned(id: string, banned: boolean): Promise<void> {
    await this.repo.update({ id }, { banned });
  }

  async setLastActive(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastActiveAt: at });
  }
}

function strip(u: UserWithSecret): User {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}
