import { ChatHttpClient, ChatMessage, ChatSocket, ChangeFollower } from '@chat-server/client';
import { aUser, TestUser } from '../support/builders';
import { until } from '../support/wait';

/** One send as the client saw it. */
export interface SendRecord {
  sender: string;
  clientMsgId: string;
  channelId: string;
  startedAt: number;
  answeredAt: number;
  /** The stored message (ok ack), an error code, or 'timeout' when no ack came. */
  outcome: { ok: true; message: ChatMessage } | { ok: false; code: string };
}

interface Member {
  user: TestUser;
  socket: ChatSocket;
  follower: ChangeFollower;
  /** Every message id this device has seen, live or by sync. */
  seen: Set<string>;
  syncRequired: number;
  /** Why the socket dropped, each time it did. */
  disconnects: string[];
}

interface Route {
  from: Member;
  to?: string;
  channelId?: string;
}

/** How long an ack may take: a send waits up to 5 s for a node id lease, a store up to its timeouts. */
const ACK_TIMEOUT_MS = 10_000;

/**
 * Traffic across two chat nodes with an oracle, for the fault suite: two DM pairs whose peers sit on different
 * nodes and a group of four, each sender one device sending about every `everyMs`. Every device follows its
 * user's change log with the typed client (live events, `sync:required`, reconnects), and the oracle compares
 * what was acked with history and with what each device holds.
 */
export class LoadOracle {
  readonly records: SendRecord[] = [];
  private readonly members: Member[] = [];
  private routes: Route[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private seq = 0;
  private groupId = '';

  private constructor(private readonly api: ChatHttpClient) {}

  static async start(apiUrl: string, chatUrls: [string, string]): Promise<LoadOracle> {
    const o = new LoadOracle(new ChatHttpClient(apiUrl));
    const users = await Promise.all(Array.from({ length: 6 }, () => aUser(o.api)));
    o.groupId = (
      await users[4].http.createGroup({
        name: 'faults',
        memberIds: [users[5].user.id, users[0].user.id, users[2].user.id],
      })
    ).id;
    for (const [i, user] of users.entries()) o.members.push(await o.connect(user, chatUrls[i % 2]));
    const [u0, u1, u2, u3, u4, u5] = o.members;
    o.routes = [
      { from: u0, to: u1.user.user.id },
      { from: u1, to: u0.user.user.id },
      { from: u2, to: u3.user.user.id },
      { from: u3, to: u2.user.user.id },
      { from: u4, channelId: o.groupId },
      { from: u5, channelId: o.groupId },
    ];
    return o;
  }

  private async connect(user: TestUser, url: string): Promise<Member> {
    const socket = await new ChatSocket(
      url,
      { token: user.accessToken, deviceId: `fault-${user.user.username}` },
      { reconnection: true },
    ).connected();
    const m: Member = {
      user,
      socket,
      seen: new Set(),
      syncRequired: 0,
      disconnects: [],
      follower: undefined!,
    };
    socket.on('sync:required', () => m.syncRequired++);
    socket.socket.on('disconnect', (reason) => m.disconnects.push(reason));
    m.follower = socket.follow({ onMessages: (ms) => ms.forEach((x) => m.seen.add(x.id)) });
    return m;
  }

  /** Starts every sender's loop: one send in flight per sender, one every `everyMs` at most. */
  run(everyMs: number): void {
    this.running = true;
    this.loops = this.routes.map((r) => this.loop(r, everyMs));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(route: Route, everyMs: number): Promise<void> {
    while (this.running) {
      const next = Date.now() + everyMs;
      await this.send(route, `m${++this.seq}-${route.from.user.user.username}`, 'load');
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  }

  /** One send as a client makes it, recorded; `content` may differ on a resend. */
  async send(route: Route, clientMsgId: string, content: string): Promise<SendRecord> {
    const startedAt = Date.now();
    let outcome: SendRecord['outcome'];
    try {
      const ack = await route.from.socket.send(
        { clientMsgId, content, to: route.to, channelId: route.channelId },
        ACK_TIMEOUT_MS,
      );
      outcome = ack.ok ? { ok: true, message: ack.message } : { ok: false, code: ack.error.code };
      // The sending device has the message from its ack (it is left out of the message:new emit).
      if (ack.ok) route.from.seen.add(ack.message.id);
    } catch (e) {
      // No ack: the timeout passed, or the socket dropped with the send in flight.
      outcome = { ok: false, code: route.from.socket.socket.connected ? 'timeout' : `no ack: ${String(e)}` };
    }
    const record: SendRecord = {
      sender: route.from.user.user.id,
      clientMsgId,
      channelId: outcome.ok ? outcome.message.channelId : (route.channelId ?? `dm to ${route.to}`),
      startedAt,
      answeredAt: Date.now(),
      outcome,
    };
    this.records.push(record);
    return record;
  }

  /** Sends again, with other content, some messages that were acked: each must come back as the stored one. */
  async resendAcked(n: number): Promise<{ first: SendRecord; again: SendRecord }[]> {
    const acked = this.records.filter((r) => r.outcome.ok).slice(0, n);
    const out = [];
    for (const first of acked) {
      const route = this.routes.find((r) => r.from.user.user.id === first.sender)!;
      out.push({ first, again: await this.send(route, first.clientMsgId, 'a different text on resend') });
    }
    return out;
  }

  okAcked(): ChatMessage[] {
    return this.records.flatMap((r) => (r.outcome.ok ? [r.outcome.message] : []));
  }

  errors(): SendRecord[] {
    return this.records.filter((r) => !r.outcome.ok);
  }

  /** For each ok-acked clientMsgId, how many messages with it each channel's history holds. */
  async historyCounts(): Promise<Map<string, string[]>> {
    const channels = new Set(this.okAcked().map((m) => m.channelId));
    const byClientMsgId = new Map<string, string[]>();
    for (const channelId of channels) {
      const reader = this.members.find((m) =>
        this.okAcked().some((x) => x.channelId === channelId && x.senderId === m.user.user.id),
      )!;
      let before: string | undefined;
      for (;;) {
        const page = await reader.user.http.history(channelId, { before, limit: 100 });
        for (const m of page.messages)
          byClientMsgId.set(`${m.senderId}/${m.clientMsgId}`, [
            ...(byClientMsgId.get(`${m.senderId}/${m.clientMsgId}`) ?? []),
            m.id,
          ]);
        if (!page.nextBefore) break;
        before = page.nextBefore;
      }
    }
    return byClientMsgId;
  }

  /** The ok-acked messages a member's device does not hold (yet). */
  missing(member: Member): string[] {
    const mine = new Set([member.user.user.id]);
    return this.okAcked()
      .filter((m) =>
        m.channelType === 'group'
          ? this.isGroupMember(member)
          : m.channelId.split(':').some((id) => mine.has(id)),
      )
      .map((m) => m.id)
      .filter((id) => !member.seen.has(id));
  }

  private isGroupMember(member: Member): boolean {
    return [0, 2, 4, 5].some((i) => this.members[i] === member);
  }

  /** Resolves with the time every device took to hold every ok-acked message of its channels. */
  async converged(withinMs: number): Promise<number> {
    const t0 = Date.now();
    await until(
      () => this.members.map((m) => this.missing(m).length),
      (counts) => counts.every((c) => c === 0),
      withinMs,
      'every device holding every acked message of its channels',
    ).catch((e: Error) => {
      const missing = this.members.map((m) => this.missing(m));
      throw new Error(`${e.message}; missing per device: ${JSON.stringify(missing)}`);
    });
    return Date.now() - t0;
  }

  syncRequiredCounts(): number[] {
    return this.members.map((m) => m.syncRequired);
  }

  disconnects(): string[][] {
    return this.members.map((m) => [...m.disconnects]);
  }

  close(): void {
    for (const m of this.members) {
      m.follower.stop();
      m.socket.close();
    }
  }
}
