import { ChangeFollower } from './change-follower';
import type {
  AckResult,
  Announcement,
  LoginRequest,
  Message,
  PresenceUpdate,
  PublicUser,
  ReactionTarget,
  Receipt,
  RegisterRequest,
  SendInput,
  Tokens,
  TypingSignal,
} from './contract';
import { CursorStore, MemoryCursorStore } from './cursor-store';
import { Emitter } from './emitter';
import { ChatAckError } from './errors';
import { ChatHttpClient } from './http-client';
import { compareIds, newClientMsgId } from './ids';
import { MessageStore } from './message-store';
import { ChatSocket } from './socket-client';
import { SessionTokens, TokenProvider } from './tokens';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

export interface ChatClientOptions {
  /** Where the `api` role answers, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** This device's id (1 to 128 of `A-Z a-z 0-9 . _ : -`); keep it across runs so the cursor is per device. */
  deviceId?: string;
  /** A signed-in session (refreshed on 401 and on an expired handshake), or your own token provider. */
  session?: Tokens | TokenProvider;
  /** Called whenever the session's tokens rotate or end (undefined): persist them to stay signed in. */
  onSession?(tokens: Tokens | undefined): void;
  /** Where the per-device cursor lives between runs (memory by default; LocalStorageCursorStore in browsers). */
  cursorStore?: CursorStore;
  /** Reconnect with exponential backoff and jitter: on unless `false`. */
  reconnect?: false | { delayMs?: number; maxDelayMs?: number };
  /** Open the socket on the node discovery names (the default), or on `baseUrl` itself. */
  discovery?: boolean;
  /** Rewrites the URL discovery answers before the socket opens on it (e.g. to the page's own origin). */
  mapNodeUrl?(url: string): string;
  syncPageSize?: number;
  /** How often the client heartbeats its presence (DESIGN.md: about every 10 s). */
  heartbeatMs?: number;
  /** How long a socket event waits for its ack before it is resent (sends) or fails. */
  ackTimeoutMs?: number;
}

export interface ChatClientEvents {
  /** Messages whose state changed in the store (new, edited, deleted, reacted): one copy per id. */
  messages: (changed: Message[]) => void;
  /** Read markers that moved (live and from sync): `userId` read `channelId` up to `messageId`. */
  receipts: (receipts: Receipt[]) => void;
  typing: (signal: TypingSignal) => void;
  presence: (update: PresenceUpdate) => void;
  /** Live events may have been missed (reconnect, `sync:required`): refetch what is not in the change log. */
  gap: () => void;
  connection: (state: ConnectionState) => void;
  announcement: (a: Announcement) => void;
  /** The session ended (refresh refused): sign in again. */
  signedOut: () => void;
  error: (error: unknown) => void;
}

const DISCOVERY_TRIES = 8;

/**
 * The SDK's entry point: one signed-in user on one device. It opens the socket on a chat node found through
 * discovery, reconnects with backoff, refreshes the token on a 401 or an expired handshake, syncs the change
 * log page by page after every (re)connect from a cursor it keeps per device, dedupes and upserts messages
 * into one store, and on `server:draining` moves to another node and resumes.
 */
export class ChatClient extends Emitter<ChatClientEvents> {
  readonly http: ChatHttpClient;
  readonly messages = new MessageStore();
  readonly deviceId: string;
  /** channelId → userId → the message id that user has read up to. */
  readonly readMarkers = new Map<string, Map<string, string>>();
  user?: PublicUser;
  state: ConnectionState = 'disconnected';

  private readonly tokens: TokenProvider;
  private readonly cursors: CursorStore;
  private chat?: ChatSocket;
  private follower?: ChangeFollower;
  private heartbeat?: ReturnType<typeof setInterval>;
  private refreshedSinceConnect = false;
  private closed = false;
  private moving?: ChatSocket;
  private readonly lastTyping = new Map<string, number>();

  constructor(private readonly opts: ChatClientOptions) {
    super();
    const baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.tokens =
      opts.session && 'refresh' in opts.session
        ? opts.session
        : new SessionTokens(baseUrl, opts.session, (t) => {
            opts.onSession?.(t);
            if (!t) this.signedOut();
          });
    this.http = new ChatHttpClient(baseUrl, this.tokens);
    this.deviceId =
      opts.deviceId ??
      `dev-${newClientMsgId()
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 24)}`;
    this.cursors = opts.cursorStore ?? new MemoryCursorStore();
  }

  /** Creates an account and signs in as it (then call `connect`). */
  async register(body: RegisterRequest): Promise<PublicUser> {
    const s = await this.http.register(body);
    this.startSession(s);
    return s.user;
  }

  async login(body: LoginRequest): Promise<PublicUser> {
    const s = await this.http.login(body);
    this.startSession(s);
    return s.user;
  }

  /** Ends the session on the server and closes the socket. */
  async logout(): Promise<void> {
    const refreshToken = this.tokens instanceof SessionTokens ? this.tokens.current?.refreshToken : undefined;
    this.close();
    if (refreshToken) await this.http.logout(refreshToken).catch(() => undefined);
    if (this.tokens instanceof SessionTokens) this.tokens.set(undefined);
  }

  /**
   * Opens the socket and catches up: resolves once connected and synced up to now. Later reconnects and node
   * moves happen by themselves.
   */
  async connect(): Promise<void> {
    this.closed = false;
    this.user ??= await this.http.me();
    const cursor = (await this.cursors.get(this.cursorKey())) ?? undefined;
    const url = await this.discoverNode();
    await new Promise<void>((resolve, reject) => {
      const offErr = this.on('signedOut', () => reject(new Error('unauthorized')));
      this.open(url, cursor, (err) => {
        offErr();
        if (err) reject(err);
        else resolve();
      });
    });
    await this.follower?.catchUp();
  }

  /** The chat node this client's socket is on (or connecting to). */
  get nodeUrl(): string | undefined {
    return this.chat?.url;
  }

  /** The cursor this device has synced up to (persisted in the cursor store). */
  get cursor(): string | undefined {
    return this.follower?.syncedCursor;
  }

  /**
   * Syncs now from the cursor and resolves when caught up (it also happens by itself on every connect and on
   * `sync:required`); the stored cursor moves up to here, so a later start replays less.
   */
  async sync(): Promise<void> {
    await this.follower?.catchUp();
  }

  /** Sends a message, resending with the same clientMsgId until acked (the server stores it once). */
  async send(
    input: Omit<SendInput, 'clientMsgId'> & { clientMsgId?: string },
    attempts = 5,
  ): Promise<Message> {
    const msg: SendInput = { ...input, clientMsgId: input.clientMsgId ?? newClientMsgId() };
    for (let attempt = 1; ; attempt++) {
      try {
        const message = this.unwrap(await this.socket().send(msg, this.ackTimeout())).message;
        this.ingest([message]);
        return message;
      } catch (e) {
        const retriable = !(e instanceof ChatAckError) || e.code === 'unavailable';
        if (!retriable || attempt >= attempts) throw e;
        await this.whenConnected();
      }
    }
  }

  async edit(channelId: string, messageId: string, content: string): Promise<Message> {
    return this.applied(await this.socket().edit({ channelId, messageId, content }, this.ackTimeout()));
  }

  async delete(channelId: string, messageId: string): Promise<Message> {
    return this.applied(await this.socket().delete({ channelId, messageId }, this.ackTimeout()));
  }

  async react(target: ReactionTarget): Promise<Message> {
    return this.applied(await this.socket().react(target, this.ackTimeout()));
  }

  async unreact(target: ReactionTarget): Promise<Message> {
    return this.applied(await this.socket().unreact(target, this.ackTimeout()));
  }

  /** Marks the channel read up to `messageId` (only ever forward; other devices and members get `read`). */
  async markRead(channelId: string, messageId: string): Promise<void> {
    this.unwrap(await this.socket().read({ channelId, messageId }, this.ackTimeout()));
  }

  /** Tells the other members this user is typing; call it on every keystroke, it sends at most every 2 s. */
  typing(channelId: string): void {
    const now = Date.now();
    if (now - (this.lastTyping.get(channelId) ?? 0) < 2_000 || !this.chat?.socket.connected) return;
    this.lastTyping.set(channelId, now);
    this.chat.typing(channelId, this.ackTimeout()).catch(() => undefined);
  }

  /** Loads an older page of a channel into the store; answers the `before` of the next older page, or null. */
  async loadHistory(channelId: string, before?: string, limit = 50): Promise<string | null> {
    const page = await this.http.history(channelId, { before, limit });
    this.ingest(page.messages);
    return page.nextBefore;
  }

  /** Where `userId` has read `channelId` up to, or undefined. */
  readUpTo(channelId: string, userId: string): string | undefined {
    return this.readMarkers.get(channelId)?.get(userId);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.follower?.stop();
    this.chat?.close();
    this.chat = undefined;
    this.follower = undefined;
    this.setState('disconnected');
  }

  private startSession(s: Tokens & { user: PublicUser }): void {
    this.user = s.user;
    if (this.tokens instanceof SessionTokens)
      this.tokens.set({ accessToken: s.accessToken, refreshToken: s.refreshToken });
  }

  private cursorKey(): string {
    return `${this.user?.id ?? 'anonymous'}:${this.deviceId}`;
  }

  private async discoverNode(exclude?: string): Promise<string> {
    if (this.opts.discovery === false) return this.http.baseUrl;
    for (let i = 1; ; i++) {
      const node = await this.http.chatNode().catch(() => undefined);
      const url = node && (this.opts.mapNodeUrl?.(node.url) ?? node.url);
      if (url && (url !== exclude || i >= DISCOVERY_TRIES)) return url;
      if (!node && i >= DISCOVERY_TRIES) return exclude ?? this.http.baseUrl;
      await new Promise((r) => setTimeout(r, Math.min(250 * i, 2_000)));
    }
  }

  /** Opens a socket on `url`; `ready` hears of its first connect (or of a failure that ends the attempt). */
  private open(url: string, cursor: string | undefined, ready?: (err?: Error) => void): void {
    const reconnect = this.opts.reconnect;
    const chat = new ChatSocket(
      url,
      async () => ({ token: (await this.tokens.accessToken()) ?? '', deviceId: this.deviceId }),
      {
        autoConnect: false,
        reconnection: reconnect !== false,
        reconnectionDelay: reconnect ? reconnect.delayMs : undefined,
        reconnectionDelayMax: reconnect ? reconnect.maxDelayMs : undefined,
      },
    );
    const previous = { chat: this.chat, follower: this.follower };
    const follower = chat.follow({
      cursor,
      pageSize: this.opts.syncPageSize,
      onMessages: (m) => this.ingest(m),
      onReceipts: (r) => this.receipts(r),
      onSynced: (c) => void this.cursors.set(this.cursorKey(), c),
      onGap: () => this.emit('gap'),
      onError: (e) => this.emit('error', e),
    });
    this.chat = chat;
    this.follower = follower;
    const s = chat.socket;
    s.on('typing', (t) => this.emit('typing', t));
    s.on('presence:update', (p) => this.emit('presence', p));
    s.on('system:announcement', (a) => this.emit('announcement', a));
    s.on('server:draining', () => void this.moveNode(chat));
    s.on('connect', () => {
      this.refreshedSinceConnect = false;
      this.setState('connected');
      // Make before break: the old node's socket closes once the new one is in its rooms.
      if (previous.chat && previous.chat !== chat) {
        previous.follower?.stop();
        previous.chat.close();
        previous.chat = undefined;
      }
      ready?.();
      ready = undefined;
    });
    s.on('disconnect', (reason) => {
      if (this.chat !== chat || this.closed) return;
      this.setState('connecting');
      // A node that shuts down closes its sockets itself, and Socket.IO does not reconnect after that: this
      // client does, to the node discovery names (a ban answers the new handshake with `forbidden`).
      if (reason === 'io server disconnect') {
        setTimeout(() => void this.moveNode(chat), 500 + Math.random() * 1_000);
      }
    });
    s.io.on('reconnect_attempt', (n) => {
      // A node that stays away may be gone for good: ask discovery for another one now and then.
      if (n % 3 === 0 && this.opts.discovery !== false) void this.moveNode(chat);
    });
    s.on(
      'connect_error',
      (e) => void this.connectFailed(chat, e, (err) => (ready?.(err), (ready = undefined))),
    );
    this.setState('connecting');
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (this.chat?.socket.connected) this.chat.heartbeat(this.ackTimeout()).catch(() => undefined);
    }, this.opts.heartbeatMs ?? 10_000);
    s.connect();
  }

  private async connectFailed(chat: ChatSocket, e: Error, fail: (err: Error) => void): Promise<void> {
    if (chat !== this.chat || this.closed) return;
    // A transport error: Socket.IO retries by itself. A refusal by the server (middleware) is not retried.
    if (chat.socket.active) return;
    if (e.message === 'unauthorized' && !this.refreshedSinceConnect) {
      this.refreshedSinceConnect = true;
      const token = await this.tokens.refresh().catch(() => undefined);
      if (token && chat === this.chat) return void chat.socket.connect();
      if (!token) this.signedOut();
      return fail(e);
    }
    if (e.message === 'rate_limited' || e.message === 'unavailable') {
      setTimeout(
        () => chat === this.chat && !this.closed && chat.socket.connect(),
        2_000 + Math.random() * 3_000,
      );
      return;
    }
    this.emit('error', e);
    fail(e);
  }

  /** The node is draining (or unreachable): find another one through discovery and resume there. */
  private async moveNode(from: ChatSocket): Promise<void> {
    // `server:draining`, the disconnect after it and a failing reconnect may all ask at once: one move.
    if (this.moving === from) return;
    this.moving = from;
    const url = await this.discoverNode(from.url).finally(() => (this.moving = undefined));
    if (from !== this.chat || this.closed) return;
    if (url !== from.url) return this.open(url, this.follower?.syncedCursor);
    // The same node: Socket.IO's own reconnect goes on, unless the server closed the socket itself.
    if (!from.socket.connected && !from.socket.active) from.socket.connect();
  }

  private signedOut(): void {
    if (this.closed) return;
    this.close();
    this.emit('signedOut');
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit('connection', state);
  }

  private ingest(messages: Message[]): void {
    const changed = this.messages.upsert(messages);
    if (changed.length) this.emit('messages', changed);
  }

  private receipts(receipts: Receipt[]): void {
    const moved = receipts.filter((r) => {
      let channel = this.readMarkers.get(r.channelId);
      if (!channel) this.readMarkers.set(r.channelId, (channel = new Map()));
      const current = channel.get(r.userId);
      if (current !== undefined && compareIds(current, r.messageId) >= 0) return false;
      channel.set(r.userId, r.messageId);
      return true;
    });
    if (moved.length) this.emit('receipts', moved);
  }

  private socket(): ChatSocket {
    if (!this.chat) throw new ChatAckError({ code: 'unavailable', message: 'not connected: call connect()' });
    return this.chat;
  }

  private whenConnected(): Promise<void> {
    if (this.chat?.socket.connected) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.on('connection', (s) => s === 'connected' && (off(), resolve()));
    });
  }

  private ackTimeout(): number {
    return this.opts.ackTimeoutMs ?? 10_000;
  }

  private unwrap<T extends object>(ack: AckResult<T>): T {
    if (!ack.ok) throw new ChatAckError(ack.error);
    return ack;
  }

  private applied(ack: AckResult<{ message: Message }>): Message {
    const { message } = this.unwrap(ack);
    this.ingest([message]);
    return message;
  }
}
