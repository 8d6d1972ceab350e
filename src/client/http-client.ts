import type {
  Friend,
  FriendRequest,
  Group,
  HistoryPage,
  PresenceUpdate,
  PublicUser,
  Session,
  SyncPage,
  Tokens,
} from './types';

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

  register(body: { username: string; password: string; displayName?: string }): Promise<Session> {
    return this.call('POST', '/api/auth/register', body);
  }
  login(body: { username: string; password: string }): Promise<Session> {
    return this.call('POST', '/api/auth/login', body);
  }
  refresh(refreshToken: string): Promise<Tokens> {
    return this.call('POST', '/api/auth/refresh', { refreshToken });
  }
  logout(refreshToken: string): Promise<void> {
    return this.call('POST', '/api/auth/logout', { refreshToken });
  }
  /** Changes the password; every other session of the user ends (this client's tokens keep working). */
  changePassword(body: { currentPassword: string; newPassword: string }): Promise<void> {
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
  friendRequests(): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
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
  createGroup(body: { name: string; memberIds: string[] }): Promise<Group> {
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
  history(channelId: string, q: { before?: string; limit?: number } = {}): Promise<HistoryPage> {
    return this.call('GET', `/api/channels/${encodeURIComponent(channelId)}/messages${query(q)}`);
  }
  sync(q: { after?: string; limit?: number } = {}): Promise<SyncPage> {
    return this.call('GET', `/api/sync${query(q)}`);
  }
  presence(userIds: string[]): Promise<PresenceUpdate[]> {
    return this.call('GET', `/api/presence?userIds=${userIds.map(encodeURIComponent).join(',')}`);
  }
  chatNode(): Promise<{ nodeId: string; url: string }> {
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

function query(q: Record<string, string | number | undefined>): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
