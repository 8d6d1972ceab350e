import { MAX_GROUP_MEMBERS } from '../../src/groups/group.entities';
import { GroupsService } from '../../src/groups/groups.service';
import { serviceApp } from './support/service-app';

describe('groups (service tier)', () => {
  const app = serviceApp();
  const groups = () => app.get(GroupsService);

  const roles = async (viewerId: string, groupId: string) =>
    Object.fromEntries((await groups().get(viewerId, groupId)).members.map((m) => [m.userId, m.role]));

  describe('create', () => {
    it('makes the creator the owner and the others members, each once', async () => {
      const [owner, m1, m2] = await app.users(3);
      const group = await groups().create(owner.id, 'trip', [m1.id, m2.id, m1.id, owner.id]);

      expect(group).toMatchObject({ name: 'trip', ownerId: owner.id });
      expect(await roles(owner.id, group.id)).toEqual({
        [owner.id]: 'owner',
        [m1.id]: 'member',
        [m2.id]: 'member',
      });
      expect((await groups().mine(m2.id)).map((g) => g.id)).toEqual([group.id]);
    });

    it('refuses an unknown member and a group past the size limit', async () => {
      const [owner] = await app.users(1);
      await expect(groups().create(owner.id, 'x', ['no-such-user'])).rejects.toMatchObject({
        code: 'not_found',
      });
      const tooMany = Array.from({ length: MAX_GROUP_MEMBERS }, (_, i) => `user-${i}`);
      await expect(groups().create(owner.id, 'x', tooMany)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('shows a group to its members only', async () => {
      const [owner, outsider] = await app.users(2);
      const group = await app.aGroup(owner, []);
      await expect(groups().get(outsider.id, group.id)).rejects.toMatchObject({ code: 'forbidden' });
      expect(await groups().mine(outsider.id)).toEqual([]);
      await expect(groups().get(owner.id, 'no-such-group')).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('adding members', () => {
    it('is for the owner and admins, not for plain members', async () => {
      const [owner, admin, member, newcomer, another] = await app.users(5);
      const group = await app.aGroup(owner, [admin, member]);
      await groups().setRole(owner.id, group.id, admin.id, 'admin');

      await groups().addMembers(admin.id, group.id, [newcomer.id]);
      await expect(groups().addMembers(member.id, group.id, [another.id])).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(Object.keys(await roles(owner.id, group.id)).sort()).toEqual(
        [owner.id, admin.id, member.id, newcomer.id].sort(),
      );
    });

    it('stops at the size limit', async () => {
      const [owner, ...members] = await app.users(MAX_GROUP_MEMBERS);
      const group = await app.aGroup(owner, members);
      const [one] = await app.users(1);
      await expect(groups().addMembers(owner.id, group.id, [one.id])).rejects.toMatchObject({
        code: 'conflict',
      });
      expect((await groups().get(owner.id, group.id)).members).toHaveLength(MAX_GROUP_MEMBERS);
    });
  });

  describe('removing members', () => {
    it('lets a member leave, and the owner or an admin remove a plain member', async () => {
      const [owner, admin, m1, m2, m3] = await app.users(5);
      const group = await app.aGroup(owner, [admin, m1, m2, m3]);
      await groups().setRole(owner.id, group.id, admin.id, 'admin');

      await groups().removeMember(m1.id, group.id, m1.id);
      await groups().removeMember(admin.id, group.id, m2.id);
      await groups().removeMember(owner.id, group.id, m3.id);
      expect(Object.keys(await roles(owner.id, group.id)).sort()).toEqual([owner.id, admin.id].sort());
      expect(await groups().mine(m1.id)).toEqual([]);
    });

    it('does not let a plain member remove others, nor an admin remove an admin or the owner', async () => {
      const [owner, admin1, admin2, member] = await app.users(4);
      const group = await app.aGroup(owner, [admin1, admin2, member]);
      await groups().setRole(owner.id, group.id, admin1.id, 'admin');
      await groups().setRole(owner.id, group.id, admin2.id, 'admin');

      await expect(groups().removeMember(member.id, group.id, admin1.id)).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(groups().removeMember(admin1.id, group.id, admin2.id)).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(groups().removeMember(admin1.id, group.id, owner.id)).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(Object.keys(await roles(owner.id, group.id))).toHaveLength(4);
    });

    it('hands the group to an admin when the owner leaves, and deletes it when the last one leaves', async () => {
      const [owner, admin, member] = await app.users(3);
      const group = await app.aGroup(owner, [member, admin]);
      await groups().setRole(owner.id, group.id, admin.id, 'admin');

      await groups().removeMember(owner.id, group.id, owner.id);
      expect(await groups().get(admin.id, group.id)).toMatchObject({ ownerId: admin.id });
      expect(await roles(admin.id, group.id)).toEqual({ [admin.id]: 'owner', [member.id]: 'member' });

      await groups().removeMember(admin.id, group.id, admin.id);
      await groups().removeMember(member.id, group.id, member.id);
      await expect(groups().get(member.id, group.id)).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  it('lets only the owner change roles, and never the owner role', async () => {
    const [owner, admin, member] = await app.users(3);
    const group = await app.aGroup(owner, [admin, member]);
    await groups().setRole(owner.id, group.id, admin.id, 'admin');

    await expect(groups().setRole(admin.id, group.id, member.id, 'admin')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(groups().setRole(owner.id, group.id, owner.id, 'member')).rejects.toMatchObject({
      code: 'bad_request',
    });
    expect(await roles(owner.id, group.id)).toEqual({
      [owner.id]: 'owner',
      [admin.id]: 'admin',
      [member.id]: 'member',
    });
  });
});
