import type {
  AdminGroupPage,
  AdminStats,
  AdminUser,
  AdminUserPage,
  AdminUserQuery,
  AdminPageQuery,
  AnnouncementSent,
  AuditEntry,
  AuditQuery,
  ChatNodeLoad,
  Conversation,
  ConversationPage,
  ConversationQuery,
  Device,
  FailedJobSummary,
  JobCounts,
  ReadInput,
  RegisterDeviceRequest,
  VapidPublicKey,
  ChangePasswordRequest,
  ChatNode,
  CreateGroupRequest,
  Friend,
  FriendRequest,
  Group,
  HistoryPage,
  HistoryQuery,
  LoginRequest,
  PendingFriendRequests,
  PresenceUpdate,
  PublicUser,
  RegisterRequest,
  EditInput,
  Message,
  Session,
  SyncPage,
  SyncQuery,
  Tokens,
} from './contract';
import type { TokenProvider } from './tokens';

/** A failed call: the HTTP status and the contract's error code. */
export class ChatApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

type Query = Record<string, string | number | undefined>;

/**
 * The REST half of the client contract: every call of DESIGN.md sections 6 and 6b, devices and admin
 * included. Given a `TokenProvider`, a 401 answer makes it refresh the token once and repeat the call, so an
 * expired access token never reaches the caller.
 */
export class ChatHttpClient {
  public accessToken?: string;
  private readonly tokens?: TokenProvider;

  constructor(
    readonly baseUrl: string,
    auth?: string | TokenProvider,
  ) {
    if (typeof auth === 'string') this.accessToken = auth;
    else this.tokens = auth;
  }

  withToken(token: string): ChatHttpClient {
    return new ChatHttpClient(this.baseUrl, token);
  }

  register(body: RegisterRequest): Promise<Session> {
    return this.call('POST', '/api/auth/register', body);
  }
  login(body: LoginRequest): Promise<Session> {
    return this.call('POST', '/api/auth/login', body);
  }
  refresh(refreshToken: string): Promise<Tokens> {
    return this.call('POST', '/api/auth/refresh', { refreshToken });
  }
  logout(refreshToken: string): Promise<void> {
    return this.call('POST', '/api/auth/logout', { refreshToken });
  }
  /** Changes the password; every other session of the user ends (this client's tokens keep working). */
  changePassword(body: ChangePasswordRequest): Promise<void> {
    return this.call('POST', '/api/auth/password', body);
  }
  me(): Promise<PublicUser> {
    return this.call('GET', '/api/users/me');
  }
  searchUsers(prefix: string): Promise<PublicUser[]> {
    return this.call('GET', `/api/users?search=${encodeURIComponent(prefix)}`);
  }
  requestFriend(userId: string): Promise<FriendRequest> {
    return this.call('POST', '/api/friends/requests', { userId });
  }
  friendRequests(): Promise<PendingFriendRequests> {
    return this.call('GET', '/api/friends/requests');
  }
  acceptFriend(requestId: string): Promise<FriendRequest> {
    return this.call('POST', `/api/friends/requests/${encodeURIComponent(requestId)}/accept`);
  }
  friends(): Promise<Friend[]> {
    return this.call('GET', '/api/friends');
  }
  removeFriend(userId: string): Promise<void> {
    return this.call('DELETE', `/api/friends/${encodeURIComponent(userId)}`);
  }
  createGroup(body: CreateGroupRequest): Promise<Group> {
    return this.call('POST', '/api/groups', body);
  }
  groups(): Promise<Group[]> {
    return this.call('GET', '/api/groups');
  }
  group(id: string): Promise<Group> {
    return this.call('GET', `/api/groups/${encodeURIComponent(id)}`);
  }
  addGroupMembers(id: string, userIds: string[]): Promise<Group> {
    return this.call('POST', `/api/groups/${encodeURIComponent(id)}/members`, { userIds });
  }
  removeGroupMember(id: string, userId: string): Promise<void> {
    return this.call('DELETE', `/api/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`);
  }
  setGroupRole(id: string, userId: string, role: 'admin' | 'member'): Promise<Group> {
    return this.call('PATCH', `/api/groups/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, {
      role,
    });
  }
  /** The conversation list, most recent activity first (section 6b). */
  listConversations(q: ConversationQuery = {}): Promise<ConversationPage> {
    return this.call('GET', `/api/channels${query(q)}`);
  }
  /** Every conversation, all pages. */
  async allConversations(pageSize = 100): Promise<Conversation[]> {
    const all: Conversation[] = [];
    let before: string | undefined;
    do {
      const page = await this.listConversations({ limit: pageSize, before });
      all.push(...page.channels);
      before = page.nextBefore ?? undefined;
    } while (before);
    return all;
  }
  /** Moves the read marker forward to `messageId` (an older one changes nothing). */
  markRead(channelId: string, messageId: string): Promise<void> {
    return this.call('POST', `/api/channels/${encodeURIComponent(channelId)}/read`, {
      messageId,
    } satisfies ReadInput);
  }
  history(channelId: string, q: HistoryQuery = {}): Promise<HistoryPage> {
    return this.call('GET', `/api/channels/${encodeURIComponent(channelId)}/messages${query(q)}`);
  }
  sync(q: SyncQuery = {}): Promise<SyncPage> {
    return this.call('GET', `/api/sync${query(q)}`);
  }
  /** Edits a message (its sender only); answers the edited message. */
  editMessage(channelId: string, messageId: string, content: string): Promise<Message> {
    return this.call('PATCH', messagePath(channelId, messageId), { content } satisfies EditInput);
  }
  /** Deletes a message (its sender, or a group's owner or admin); its text is erased. */
  deleteMessage(channelId: string, messageId: string): Promise<void> {
    return this.call('DELETE', messagePath(channelId, messageId));
  }
  addReaction(channelId: string, messageId: string, emoji: string): Promise<Message> {
    return this.call('PUT', `${messagePath(channelId, messageId)}/reactions/${encodeURIComponent(emoji)}`);
  }
  removeReaction(channelId: string, messageId: string, emoji: string): Promise<Message> {
    return this.call('DELETE', `${messagePath(channelId, messageId)}/reactions/${encodeURIComponent(emoji)}`);
  }
  presence(userIds: string[]): Promise<PresenceUpdate[]> {
    return this.call('GET', `/api/presence?userIds=${userIds.map(encodeURIComponent).join(',')}`);
  }
  chatNode(): Promise<ChatNode> {
    return this.call('GET', '/api/discovery/chat-node');
  }
  /** Registers (or updates) this device's push channel: a Web Push subscription, or an FCM / APNs token. */
  registerDevice(body: RegisterDeviceRequest): Promise<Device> {
    return this.call('POST', '/api/devices', body);
  }
  unregisterDevice(deviceId: string): Promise<void> {
    return this.call('DELETE', `/api/devices/${encodeURIComponent(deviceId)}`);
  }
  /** The server's VAPID public key (404 `not_found` when Web Push is not configured). */
  vapidPublicKey(): Promise<VapidPublicKey> {
    return this.call('GET', '/api/devices/vapid-public-key');
  }

  /** The admin API (role admin only). */
  readonly admin = {
    users: (q: AdminUserQuery = {}): Promise<AdminUserPage> =>
      this.call('GET', `/api/admin/users${query(q)}`),
    user: (id: string): Promise<AdminUser> => this.call('GET', `/api/admin/users/${encodeURIComponent(id)}`),
    /** Bans the user and disconnects them everywhere. */
    ban: (id: string): Promise<AdminUser> =>
      this.call('POST', `/api/admin/users/${encodeURIComponent(id)}/ban`),
    unban: (id: string): Promise<AdminUser> =>
      this.call('POST', `/api/admin/users/${encodeURIComponent(id)}/unban`),
    /** Ends every session of the user. */
    logoutUser: (id: string): Promise<void> =>
      this.call('POST', `/api/admin/users/${encodeURIComponent(id)}/logout`),
    groups: (q: AdminPageQuery = {}): Promise<AdminGroupPage> =>
      this.call('GET', `/api/admin/groups${query(q)}`),
    group: (id: string): Promise<Group> => this.call('GET', `/api/admin/groups/${encodeURIComponent(id)}`),
    deleteGroup: (id: string): Promise<void> =>
      this.call('DELETE', `/api/admin/groups/${encodeURIComponent(id)}`),
    chatNodes: (): Promise<ChatNodeLoad[]> => this.call('GET', '/api/admin/chat-nodes'),
    queues: (): Promise<Record<string, JobCounts>> => this.call('GET', '/api/admin/queues'),
    failedJobs: (queue: string, limit?: number): Promise<FailedJobSummary[]> =>
      this.call('GET', `/api/admin/queues/${encodeURIComponent(queue)}/failed${query({ limit })}`),
    retryJob: (queue: string, jobId: string): Promise<void> =>
      this.call(
        'POST',
        `/api/admin/queues/${encodeURIComponent(queue)}/failed/${encodeURIComponent(jobId)}/retry`,
      ),
    stats: (): Promise<AdminStats> => this.call('GET', '/api/admin/stats'),
    announce: (text: string): Promise<AnnouncementSent> =>
      this.call('POST', '/api/admin/announcements', { text }),
    audit: (q: AuditQuery = {}): Promise<AuditEntry[]> => this.call('GET', `/api/admin/audit${query(q)}`),
  };

  /**
   * Any call, for endpoints this client does not wrap yet. Throws ChatApiError on a non-2xx answer; a 401
   * on a signed-in call refreshes the token through the TokenProvider and tries once more.
   */
  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const send = (token: string | undefined) =>
      fetch(this.baseUrl + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    const token = this.tokens ? await this.tokens.accessToken() : this.accessToken;
    let res = await send(token);
    if (res.status === 401 && token && this.tokens && !path.startsWith('/api/auth/')) {
      const fresh = await this.tokens.refresh();
      if (fresh) res = await send(fresh);
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ChatApiError(res.status, err?.code ?? 'unknown', err?.message ?? text);
    }
    return parsed as T;
  }
}

function query(q: SyncQuery | HistoryQuery | ConversationQuery | Query): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function messagePath(channelId: string, messageId: string): string {
  return `/api/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(messageId)}`;
}
