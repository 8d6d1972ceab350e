import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RefreshTokenEntity } from '../../src/auth/refresh-token.entity';
import { RefreshTokenRepository } from '../../src/auth/refresh-token.repository';
import { FriendRequestEntity } from '../../src/friends/friend-request.entity';
import { DuplicatePair, FriendsRepository } from '../../src/friends/friends.repository';
import { UserEntity } from '../../src/users/user.entity';
import { DuplicateUsername, UsersRepository } from '../../src/users/users.repository';
import { uniqueName } from '../support/builders';
import { migratedDataSource } from '../support/relational';
import { describeWith } from '../support/services';

/** The relational port's contract: the same repositories, the same behaviour, on SQLite and on Postgres. */
function relationalContract(databaseUrl: string | undefined): void {
  let ds: DataSource;
  let users: UsersRepository;
  let friends: FriendsRepository;
  let tokens: RefreshTokenRepository;

  beforeAll(async () => {
    ds = await migratedDataSource(databaseUrl);
    users = new UsersRepository(ds.getRepository(UserEntity));
    friends = new FriendsRepository(ds.getRepository(FriendRequestEntity));
    tokens = new RefreshTokenRepository(ds.getRepository(RefreshTokenEntity));
  });
  afterAll(() => ds.destroy());

  const aUserRow = async (username = uniqueName()) =>
    users.create({ id: randomUUID(), username, displayName: username, passwordHash: 'h', role: 'user' });

  it('has a schema that matches the entities (migrations are complete)', async () => {
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('creates users, refuses a duplicate username, finds by id and name', async () => {
    const u = await aUserRow();
    expect(u).toMatchObject({ banned: false, role: 'user', lastActiveAt: null });
    expect(u.createdAt).toBeInstanceOf(Date);
    await expect(aUserRow(u.username)).rejects.toBeInstanceOf(DuplicateUsername);
    expect(await users.findById(u.id)).toEqual(u);
    expect((await users.findByUsernameWithSecret(u.username))?.passwordHash).toBe('h');
    expect(await users.findById(randomUUID())).toBeNull();
  });

  it('searches by prefix in name order, treating _ and % literally', async () => {
    const p = uniqueName('s');
    const rows = [await aUserRow(`${p}_b`), await aUserRow(`${p}a`), await aUserRow(`${p}%c`)];
    expect((await users.searchByPrefix(p, 10)).map((u) => u.username)).toEqual([`${p}%c`, `${p}_b`, `${p}a`]);
    expect((await users.searchByPrefix(`${p}_`, 10)).map((u) => u.id)).toEqual([rows[0].id]);
    await users.setBanned(rows[1].id, true);
    expect((await users.searchByPrefix(p, 10)).map((u) => u.id)).not.toContain(rows[1].id);
  });

  it('stores lastActiveAt and roles', async () => {
    const u = await aUserRow();
    const at = new Date('2026-01-02T03:04:05.000Z');
    await users.setLastActive(u.id, at);
    await users.setRole(u.id, 'admin');
    expect(await users.findById(u.id)).toMatchObject({ lastActiveAt: at, role: 'admin' });
  });

  it('keeps one row per pair of users, in either direction', async () => {
    const [a, b] = [await aUserRow(), await aUserRow()];
    const r = await friends.createRequest({ id: randomUUID(), fromUserId: a.id, toUserId: b.id });
    await expect(
      friends.createRequest({ id: randomUUID(), fromUserId: b.id, toUserId: a.id }),
    ).rejects.toBeInstanceOf(DuplicatePair);
    expect(await friends.accept(r.id, a.id)).toBe(false); // only the recipient accepts
    expect(await friends.accept(r.id, b.id)).toBe(true);
    expect(await friends.accept(r.id, b.id)).toBe(false);
    expect(await friends.areFriends(b.id, a.id)).toBe(true);
    expect(await friends.friendIds(a.id)).toEqual([b.id]);
    expect(await friends.removePair(b.id, a.id)).toBe(true);
    expect(await friends.friendIds(a.id)).toEqual([]);
  });

  it('marks a refresh token used exactly once and revokes a family', async () => {
    const u = await aUserRow();
    const familyId = randomUUID();
    const id = randomUUID();
    await tokens.insert({
      id,
      userId: u.id,
      familyId,
      tokenHash: 'a'.repeat(64),
      expiresAt: new Date(Date.now() + 60_000),
    });
    const results = await Promise.all([tokens.markUsed(id, new Date()), tokens.markUsed(id, new Date())]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await tokens.revokeFamily(familyId, new Date());
    expect((await tokens.find(id))?.revokedAt).toBeInstanceOf(Date);
  });
}

describe('relational contract: embedded SQLite', () => relationalContract(undefined));
describeWith(['postgres'], 'relational contract: Postgres', ({ postgres }) => relationalContract(postgres));
