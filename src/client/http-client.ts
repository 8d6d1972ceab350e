import type {
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
  ConversationPage,
  ConversationQuery,
  ReadInput,
} from '../contract';

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

/** The REST half of the client contract. */
export class ChatHttpClient {
  constructor(
    readonly baseUrl: string,
    public accessToken?: string,
  ) {}

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
  history(channelId: string, q: HistoryQuery = {}): Promise<HistoryPage> {
    return this.call('GET', `/api/channels/${encodeURIComponent(channelId)}/messages${query(q)}`);
  }
  sync(q: SyncQuery = {}): Promise<SyncPage> {
    return this.call('GET', `/api/sync${query(q)}`);
  }
  /** The caller's conversations, most recent activity first; pass `nextBefore` as `before` for the next page. */
  listConversations(q: ConversationQuery = {}): Promise<ConversationPage> {
    return this.call('GET', `/api/channels${query(q)}`);
  }
  /** Moves the caller's read marker in a channel forward to `messageId` (an older one changes nothing). */
  markRead(channelId: string, messageId: string): Promise<void> {
    return this.call('POST', `/api/channels/${encodeURIComponent(channelId)}/read`, {
      messageId,
    } satisfies ReadInput);
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

  /** Any call, for endpoints this client does not wrap yet. Throws ChatApiError on a non-2xx answer. */
  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ChatApiError(res.status, err?.code ?? 'unknown', err?.message ?? text);
    }
    return parsed as T;
  }
}

function query(q: SyncQuery | HistoryQuery): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function messagePath(channelId: string, messageId: string): string {
  return `/api/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(messageId)}`;
}
