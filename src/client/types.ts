/** The client contract's shapes (DESIGN.md section 6), free of server imports so any client can use them. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
}
export interface Session {
  user: PublicUser;
  accessToken: string;
  refreshToken: string;
}
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}
export interface FriendRequest {
  id: string;
  fromUserId: string;
  toUserId: string;
  status: 'pending' | 'accepted';
}
export interface Presence {
  status: 'online' | 'offline';
  lastActiveAt: string | null;
}
export interface Friend {
  user: PublicUser;
  presence: Presence;
}
export interface ChatMessage {
  id: string;
  channelId: string;
  channelType: 'dm' | 'group';
  senderId: string;
  content: string;
  clientMsgId: string;
  createdAt: string;
}
export interface SyncPage {
  messages: ChatMessage[];
  cursor: string;
  hasMore: boolean;
}
export interface HistoryPage {
  messages: ChatMessage[];
  nextBefore: string | null;
}
export interface ErrorBody {
  code: string;
  message: string;
}
export type AckResult<T> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export interface PresenceUpdate {
  userId: string;
  status: 'online' | 'offline';
  lastActiveAt: string | null;
}
export interface GroupMember {
  userId: string;
  role: 'owner' | 'admin' | 'member';
}
export interface Group {
  id: string;
  name: string;
  ownerId: string;
  members: GroupMember[];
}
