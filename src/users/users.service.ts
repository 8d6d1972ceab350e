import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { User, UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async get(id: string): Promise<User> {
    const u = await this.users.findById(id);
    if (!u) throw AppError.notFound('user not found');
    return u;
  }

  /** Prefix search on usernames (at most 25), without the caller and banned users. */
  async search(prefix: string | undefined, selfId: string): Promise<User[]> {
    const p = (prefix ?? '').toLowerCase();
    if (!p) return [];
    return (await this.users.searchByPrefix(p, 26)).filter((u) => u.id !== selfId).slice(0, 25);
  }
}
