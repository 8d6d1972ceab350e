import { randomBytes, randomUUID } from 'node:crypto';
import { PasswordHasher } from '../../../src/auth/password-hasher';
import { GroupsService } from '../../../src/groups/groups.service';
import { FriendsService } from '../../../src/friends/friends.service';
import type { GroupDto } from '../../../src/groups/groups.dto';
import type { Message } from '../../../src/messaging/message';
import { ReadMessagesService } from '../../../src/messaging/read-messages.service';
import { SendMessageService } from '../../../src/messaging/send-message.service';
import { snowflakeTime } from '../../../src/ids/snowflake';
import { JobQueue } from '../../../src/queue/job-queue';
import { UsersRepository } from '../../../src/users/users.repository';
import type { AppAccess } from './service-app';

export interface TestUser {
  id: string;
  username: string;
  password: string;
}

const PASSWORD = 'correct horse battery';

const unique = (prefix: string) => `${prefix}${randomBytes(5).toString('hex')}`;
export const aClientMsgId = () => unique('c-');

export type Actors = ReturnType<typeof actors>;

/**
 * Test data and the calls a client makes, part of every service app: `app.aUser()`, `app.send(alice, { to:
 * bob.id })`. The calls go through the service the transport calls, as a request would.
 */
export function actors(app: AppAccess) {
  let passwordHash: Promise<string> | undefined;
  /** A user as registration leaves one, written straight to the store: one argon2 hash per app, not per user. */
  const aUser = async (o: { username?: string } = {}): Promise<TestUser> => {
    passwordHash ??= app.get(PasswordHasher).hash(PASSWORD);
    const user = await app.get(UsersRepository).create({
      id: randomUUID(),
      username: o.username ?? unique('u'),
      displayName: 'Test User',
      passwordHash: await passwordHash,
      role: 'user',
    });
    return { id: user.id, username: user.username, password: PASSWORD };
  };

  const users = (n: number): Promise<TestUser[]> => Promise.all(Array.from({ length: n }, () => aUser()));

  /** A group owned by `owner` with `members` in it. */
  const aGroup = (owner: TestUser, members: TestUser[], name = 'a group'): Promise<GroupDto> =>
    app.get(GroupsService).create(
      owner.id,
      name,
      members.map((m) => m.id),
    );

  /** Sends as `from` (the socket's `message:send`), to a user or into a channel; resolves with the ack's message. */
  const send = async (
    from: TestUser,
    target: { to: string } | { channelId: string },
    content = 'hello',
    clientMsgId = aClientMsgId(),
  ): Promise<Message> => {
    const ticket = await app
      .get(SendMessageService)
      .start({ userId: from.id }, { clientMsgId, content, ...target });
    return ticket.deliver();
  };

  /** Everything `user`'s inbox holds, as a device syncing from the start sees it. */
  const synced = async (user: TestUser): Promise<Message[]> =>
    (await app.get(ReadMessagesService).sync(user.id, undefined, 500)).messages;

  /** The newest page of a channel's history, as `user` reads it. */
  const history = async (user: TestUser, channelId: string): Promise<Message[]> =>
    (await app.get(ReadMessagesService).channelHistory(user.id, channelId, undefined, 100)).messages;

  /**
   * `by` adds `user` to `group` after `message` was sent. Membership is kept to the millisecond, so a member
   * added in the message's own millisecond would see it: this waits for the clock to leave it first.
   */
  const addAfter = async (message: Message, by: TestUser, group: GroupDto, user: TestUser): Promise<void> => {
    while (Date.now() <= snowflakeTime(message.id)) await new Promise((resolve) => setImmediate(resolve));
    await app.get(GroupsService).addMembers(by.id, group.id, [user.id]);
  };

  /**
   * Queues a fan-out of a stored group message once more, as a retried or replayed job does; the worker's
   * processor runs it. Await its deliveries (`app.realtime.waitFor`) before asserting on them.
   */
  const fanOutAgain = (message: Message): Promise<void> =>
    app
      .get(JobQueue)
      .add(
        'fanout',
        { messageId: message.id, channelId: message.channelId, senderId: message.senderId },
        { jobId: `again:${message.id}` },
      );

  /** `a` asks, `b` accepts. */
  const friends = async (a: TestUser, b: TestUser): Promise<void> => {
    const request = await app.get(FriendsService).request(a.id, b.id);
    await app.get(FriendsService).accept(b.id, request.id);
  };

  /** Message ids a user's devices got as `message:new`. */
  const deliveredTo = (user: TestUser): string[] =>
    app.realtime.received<Message>(user.id, 'message:new').map((m) => m.id);

  return { aUser, users, aGroup, send, synced, history, addAfter, fanOutAgain, friends, deliveredTo };
}
