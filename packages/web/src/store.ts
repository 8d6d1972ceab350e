import {
  ChatAckError,
  ChatApiError,
  ChatClient,
  compareIds,
  dmChannelId,
  LocalStorageCursorStore,
  maxId,
  type Conversation,
  type ConnectionState,
  type Group,
  type Message,
  type PendingFriendRequests,
  type Presence,
  type PublicUser,
} from '@chat-server/client';
import { SharedSession, storeTokens, tabDeviceId } from './session';

/** What the screen shows of the open conversation before the list knows it (a DM with no message yet). */
export interface OpenTarget {
  channelId: string;
  channelType: 'dm' | 'group';
  name: string;
  peer: PublicUser | null;
}

const TYPING_SHOWN_MS = 6_000;

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])$/;

/**
 * A single server on one machine names itself 127.0.0.1 in discovery while the page may be on localhost: the
 * same server, but another origin to the page's CSP (connect-src 'self'). Such a node is the page's origin.
 */
function sameOriginWhenLoopback(url: string): string {
  const node = new URL(url);
  const page = new URL(location.href);
  const same = LOOPBACK.test(node.hostname) && LOOPBACK.test(page.hostname) && node.port === page.port;
  return same ? page.origin : url;
}

/** A person-readable sentence for any failure (the contract's codes, the network, the socket). */
export function describeError(e: unknown): string {
  const code = e instanceof ChatApiError || e instanceof ChatAckError ? e.code : undefined;
  const server = e instanceof ChatApiError ? e.message.replace(/^\d+ \w+: /, '') : '';
  switch (code) {
    case 'unauthorized':
      return 'Wrong username or password.';
    case 'conflict':
      return server.includes('username') || server.includes('taken')
        ? 'That username is taken.'
        : server || 'That conflicts with what is there.';
    case 'bad_request':
      return `That was not accepted: ${server || 'check what you typed'}.`;
    case 'forbidden':
      return 'You are not allowed to do that here.';
    case 'not_found':
      return 'That no longer exists.';
    case 'too_large':
      return 'That message is too long.';
    case 'rate_limited':
      return 'Too many attempts: wait a moment and try again.';
    case 'unavailable':
    case 'timeout':
      return 'The server is not reachable right now; it will be retried.';
    case 'internal':
      return 'The server failed; try again.';
  }
  if (e instanceof TypeError) return 'No connection to the server.';
  return e instanceof Error ? e.message : String(e);
}

/**
 * The web chat's state over one ChatClient: conversations, people, typing, the open conversation. Views
 * subscribe and re-render on `changed`; all server traffic goes through the SDK.
 */
export class ChatStore {
  readonly client: ChatClient;
  me?: PublicUser;
  conversations: Conversation[] = [];
  open?: OpenTarget;
  connection: ConnectionState = 'disconnected';
  error?: string;
  people = new Map<string, PublicUser>();
  presence = new Map<string, Presence>();
  friends = new Set<string>();
  requests: PendingFriendRequests = { incoming: [], outgoing: [] };
  groups = new Map<string, Group>();
  /** channelId → userId → until when the "is typing" line shows. */
  typing = new Map<string, Map<string, number>>();
  /** channelId → the `before` of the next older history page; null once the oldest is loaded. */
  older = new Map<string, string | null>();
  private readonly listeners = new Set<() => void>();
  private readonly cursors = new LocalStorageCursorStore();
  /** Channels whose older page is on its way (one request at a time per channel). */
  private readonly loading = new Set<string>();
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private everConnected = false;

  constructor(
    readonly baseUrl: string,
    private readonly signedOut: () => void,
  ) {
    this.client = new ChatClient({
      baseUrl,
      deviceId: tabDeviceId(),
      session: new SharedSession(baseUrl, () => this.signedOut()),
      cursorStore: this.cursors,
      mapNodeUrl: sameOriginWhenLoopback,
    });
    const c = this.client;
    c.on('messages', (ms) => this.onMessages(ms));
    c.on('receipts', () => this.soon());
    c.on('typing', (t) => {
      if (t.userId === this.me?.id) return;
      let ch = this.typing.get(t.channelId);
      if (!ch) this.typing.set(t.channelId, (ch = new Map()));
      ch.set(t.userId, Date.now() + TYPING_SHOWN_MS);
      setTimeout(() => this.changed(), TYPING_SHOWN_MS + 50);
      this.changed();
    });
    c.on('presence', (p) => {
      this.presence.set(p.userId, { status: p.status, lastActiveAt: p.lastActiveAt });
      this.changed();
    });
    c.on('gap', () => void this.loadPeople());
    c.on('connection', (s) => {
      this.connection = s;
      if (s === 'connected') {
        if (this.everConnected) this.soon();
        this.everConnected = true;
      }
      this.changed();
    });
    c.on('signedOut', () => this.signedOut());
    c.on('error', (e) => this.fail(e));
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(): void {
    for (const fn of this.listeners) fn();
  }

  fail(e: unknown): void {
    this.error = describeError(e);
    this.changed();
  }

  dismissError(): void {
    this.error = undefined;
    this.changed();
  }

  async start(): Promise<void> {
    this.me = await this.client.http.me();
    this.client.user = this.me;
    this.people.set(this.me.id, this.me);
    await Promise.all([this.loadConversations(), this.loadPeople(), this.loadGroups()]);
    // A new device starts from now: history comes page by page over REST in its current state, so its sync
    // need not replay the whole change log, only what changes from the newest message on.
    const key = `${this.me.id}:${this.client.deviceId}`;
    const newest = this.conversations.map((c) => c.lastMessage?.id).filter((id): id is string => !!id);
    if (!this.cursors.get(key) && newest.length)
      this.cursors.set(
        key,
        newest.reduce((a, b) => maxId(a, b)),
      );
    await this.client.connect();
    this.changed();
  }

  stop(): void {
    this.client.close();
  }

  async signOut(): Promise<void> {
    const tokens = localStorage.getItem('chat-session');
    this.client.close();
    const refreshToken = tokens ? (JSON.parse(tokens) as { refreshToken?: string }).refreshToken : undefined;
    if (refreshToken) await this.client.http.logout(refreshToken).catch(() => undefined);
    storeTokens(undefined);
  }

  // --- loading -----------------------------------------------------------------------------------------

  async loadConversations(): Promise<void> {
    this.conversations = await this.client.http.allConversations();
    for (const c of this.conversations) if (c.peer) this.people.set(c.peer.id, c.peer);
    if (this.open) {
      const fresh = this.conversations.find((c) => c.channelId === this.open!.channelId);
      if (fresh) this.open = { ...this.open, name: fresh.name };
    }
    this.changed();
  }

  async loadPeople(): Promise<void> {
    const [friends, requests] = await Promise.all([
      this.client.http.friends(),
      this.client.http.friendRequests(),
    ]);
    this.friends = new Set(friends.map((f) => f.user.id));
    for (const f of friends) {
      this.people.set(f.user.id, f.user);
      this.presence.set(f.user.id, f.presence);
    }
    this.requests = requests;
    this.changed();
  }

  async loadGroups(): Promise<void> {
    for (const g of await this.client.http.groups()) this.groups.set(g.id, g);
    this.changed();
  }

  /** The conversation list and the people again, once, shortly after a burst of events. */
  soon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.loadConversations().catch((e) => this.fail(e));
      this.loadPeople().catch(() => undefined);
    }, 200);
  }

  private onMessages(ms: Message[]): void {
    for (const m of ms) {
      // A message ends that sender's typing line.
      this.typing.get(m.channelId)?.delete(m.senderId);
      if (m.channelType === 'group' && !this.groups.has(m.channelId)) void this.loadGroups();
    }
    this.soon();
    this.changed();
    this.markOpenRead();
  }

  // --- the open conversation -----------------------------------------------------------------------------

  async openChannel(channelId: string): Promise<void> {
    const conv = this.conversations.find((c) => c.channelId === channelId);
    const group = this.groups.get(channelId);
    if (conv) this.open = { channelId, channelType: conv.channelType, name: conv.name, peer: conv.peer };
    else if (group) this.open = { channelId, channelType: 'group', name: group.name, peer: null };
    else if (this.open?.channelId !== channelId) return;
    this.changed();
    if (!this.older.has(channelId)) await this.loadOlder(channelId);
    this.markOpenRead();
  }

  openDm(user: PublicUser): void {
    this.people.set(user.id, user);
    const channelId = dmChannelId(this.me!.id, user.id);
    this.open = { channelId, channelType: 'dm', name: user.displayName, peer: user };
    location.hash = `#/c/${encodeURIComponent(channelId)}`;
    this.changed();
  }

  closeChannel(): void {
    this.open = undefined;
    if (location.hash) history.pushState(null, '', location.pathname);
    this.changed();
  }

  async loadOlder(channelId: string): Promise<void> {
    if (this.older.get(channelId) === null || this.loading.has(channelId)) return;
    this.loading.add(channelId);
    try {
      const next = await this.client.loadHistory(channelId, this.older.get(channelId) ?? undefined, 30);
      this.older.set(channelId, next);
    } catch (e) {
      if (e instanceof ChatApiError && (e.code === 'not_found' || e.code === 'forbidden'))
        this.older.set(channelId, null);
      else this.fail(e);
    } finally {
      this.loading.delete(channelId);
    }
    this.changed();
  }

  /** Reads up to the newest message of the open conversation while this tab is visible. */
  markOpenRead(): void {
    const open = this.open;
    if (!open || document.visibilityState !== 'visible' || !this.me) return;
    const newest = this.client.messages.list(open.channelId).at(-1);
    if (!newest) return;
    const mine = this.client.readUpTo(open.channelId, this.me.id);
    const conv = this.conversations.find((c) => c.channelId === open.channelId);
    const known = mine ?? conv?.readUpTo ?? undefined;
    if (known && compareIds(known, newest.id) >= 0) return;
    this.client.markRead(open.channelId, newest.id).then(
      () => this.soon(),
      () => undefined,
    );
  }

  messages(channelId: string): Message[] {
    return this.client.messages.list(channelId);
  }

  typingNames(channelId: string): string[] {
    const now = Date.now();
    return [...(this.typing.get(channelId) ?? [])]
      .filter(([, until]) => until > now)
      .map(([userId]) => this.nameOf(userId));
  }

  nameOf(userId: string): string {
    if (userId === this.me?.id) return this.me.displayName;
    return this.people.get(userId)?.displayName ?? `user ${userId.slice(0, 8)}`;
  }

  /** Under which of my messages the read line goes, and what it says ("Read" / "Read by N"). */
  readLine(channelId: string): { messageId: string; text: string } | undefined {
    const me = this.me?.id;
    if (!me) return undefined;
    const readers = [...(this.client.readMarkers.get(channelId) ?? [])].filter(([u]) => u !== me);
    const mine = this.messages(channelId).filter((m) => m.senderId === me && !m.deletedAt);
    for (let i = mine.length - 1; i >= 0; i--) {
      const n = readers.filter(([, upTo]) => compareIds(upTo, mine[i].id) >= 0).length;
      if (n === 0) continue;
      const dm = channelId.startsWith('dm:');
      return { messageId: mine[i].id, text: dm ? 'Read' : `Read by ${n}` };
    }
    return undefined;
  }

  // --- actions -------------------------------------------------------------------------------------------

  async send(content: string): Promise<void> {
    const open = this.open;
    if (!open) return;
    const input =
      open.channelType === 'dm' && open.peer ? { to: open.peer.id } : { channelId: open.channelId };
    await this.client.send({ ...input, content });
    if (!this.conversations.some((c) => c.channelId === open.channelId)) await this.loadConversations();
  }

  async search(prefix: string): Promise<PublicUser[]> {
    if (!prefix.trim()) return [];
    const users = await this.client.http.searchUsers(prefix.trim().toLowerCase());
    for (const u of users) this.people.set(u.id, u);
    return users.filter((u) => u.id !== this.me?.id);
  }

  async createGroup(name: string, members: PublicUser[]): Promise<void> {
    const g = await this.client.http.createGroup({ name, memberIds: members.map((m) => m.id) });
    this.groups.set(g.id, g);
    await this.loadConversations();
    location.hash = `#/c/${encodeURIComponent(g.id)}`;
  }

  async addMember(groupId: string, user: PublicUser): Promise<void> {
    this.people.set(user.id, user);
    this.groups.set(groupId, await this.client.http.addGroupMembers(groupId, [user.id]));
    this.changed();
  }

  async removeMember(groupId: string, userId: string): Promise<void> {
    await this.client.http.removeGroupMember(groupId, userId);
    this.groups.set(groupId, await this.client.http.group(groupId));
    this.changed();
  }

  async addFriend(userId: string): Promise<void> {
    await this.client.http.requestFriend(userId);
    await this.loadPeople();
  }

  async acceptFriend(requestId: string): Promise<void> {
    await this.client.http.acceptFriend(requestId);
    await this.loadPeople();
  }
}
