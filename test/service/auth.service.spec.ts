import { AdminUsersService } from '../../src/admin/admin-users.service';
import { AuthService } from '../../src/auth/auth.service';
import { AccessTokens } from '../../src/auth/access-token';
import { serviceApp } from './support/service-app';

describe('accounts and sessions (service tier)', () => {
  const app = serviceApp({ ADMIN_USERNAMES: 'boss' });
  const auth = () => app.get(AuthService);

  const password = 'correct horse battery';
  /** What `POST /api/auth/login` does: check the credentials, then start a session. */
  const login = async (username: string, pw = password) =>
    auth().session(await auth().verifyCredentials(username, pw));
  const tokenUser = (accessToken: string) => app.get(AccessTokens).verify(accessToken);

  it('registers a user under a lower-case name and signs them in', async () => {
    const session = await auth().register({ username: 'Carol.Test', password, displayName: 'Carol' });

    expect(session.user).toMatchObject({ username: 'carol.test', displayName: 'Carol' });
    expect(tokenUser(session.accessToken)).toMatchObject({ id: session.user.id, role: 'user' });
  });

  it('refuses a name that is taken, whatever its case', async () => {
    await auth().register({ username: 'dave', password });
    await expect(auth().register({ username: 'DAVE', password })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('signs in with the right password only, with the same answer for an unknown user', async () => {
    const user = await app.aUser();

    expect((await login(user.username.toUpperCase())).user.id).toBe(user.id);
    await expect(login(user.username, 'wrong password')).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(login('nobody-by-this-name')).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('gives the admin role to the configured admin usernames', async () => {
    const boss = await auth().register({ username: 'boss', password });
    expect(tokenUser(boss.accessToken).role).toBe('admin');
  });

  describe('refresh', () => {
    it('rotates the refresh token: the new one works, the used one is refused and ends the session', async () => {
      const user = await app.aUser();
      const first = await login(user.username);
      const second = await auth().refreshSession(first.refreshToken);

      expect(tokenUser(second.accessToken).id).toBe(user.id);
      await expect(auth().refreshSession(first.refreshToken)).rejects.toMatchObject({ code: 'unauthorized' });
      // A reused token means it leaked: the whole session ends, the newer token with it.
      await expect(auth().refreshSession(second.refreshToken)).rejects.toMatchObject({
        code: 'unauthorized',
      });
    });

    it('refuses the refresh token of a session that logged out, and keeps other sessions', async () => {
      const user = await app.aUser();
      const [phone, laptop] = [await login(user.username), await login(user.username)];
      await auth().logout(phone.refreshToken);

      await expect(auth().refreshSession(phone.refreshToken)).rejects.toMatchObject({ code: 'unauthorized' });
      await expect(auth().refreshSession(laptop.refreshToken)).resolves.toBeDefined();
    });
  });

  describe('a ban', () => {
    it('refuses logins and refreshes, and disconnects every device; an unban lets the user back in', async () => {
      const [admin, user] = await app.users(2);
      const session = await login(user.username);
      await app.get(AdminUsersService).ban(admin.id, user.id);

      expect(app.realtime.disconnected(user.id)).toBe(true);
      await expect(login(user.username)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(auth().refreshSession(session.refreshToken)).rejects.toMatchObject({
        code: 'unauthorized',
      });

      await app.get(AdminUsersService).unban(admin.id, user.id);
      expect((await login(user.username)).user.id).toBe(user.id);
    });
  });
});
