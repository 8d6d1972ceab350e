/** The REST shapes of DESIGN.md section 6 (JSON under /api) besides messages. */

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
}

export interface RegisterRequest {
  username: string;
  password: string;
  displayName?: string;
}

export interface LoginRequest {
  username: string;
  password: string;
}

/** `POST /api/auth/refresh` and `POST /api/auth/logout`. */
export interface RefreshRequest {
  refreshToken: string;
}

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** The answer to register and login. */
export interface Session extends Tokens {
  user: PublicUser;
}

export interface CreateFriendRequest {
  userId: string;
}

export interface FriendRequest {
  id: string;
  fromUserId: string;
  toUserId: string;
  status: 'pending' | 'accepted';
}

export interface PendingFriendRequests {
  incoming: FriendRequest[];
  outgoing: FriendRequest[];
}

export interface Presence {
  status: 'online' | 'offline';
  /** ISO-8601; null for a user never seen online. */
  lastActiveAt: string | null;
}

export interface Friend {
  user: PublicUser;
  presence: Presence;
}

/** An item of `GET /api/presence`, and the socket's `presence:update`. */
export interface PresenceUpdate extends Presence {
  userId: string;
}

export type GroupRole = 'owner' | 'admin' | 'member';

export interface GroupMember {
  userId: string;
  role: GroupRole;
}

export interface Group {
  id: string;
  name: string;
  ownerId: string;
  members: GroupMember[];
}

export interface CreateGroupRequest {
  name: string;
  /** Initial members besides the creator. */
  memberIds: string[];
}

export interface AddGroupMembersRequest {
  userIds: string[];
}

export interface SetGroupRoleRequest {
  role: 'admin' | 'member';
}

export type DevicePlatform = 'web' | 'fcm' | 'apns';

/** PushSubscription.toJSON() as a browser gives it. */
export interface WebPushSubscription {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

export interface RegisterDeviceRequest {
  /** The same id the device gives on the socket handshake. */
  deviceId: string;
  platform: DevicePlatform;
  /** FCM registration token (fcm) or APNs device token (apns). */
  token?: string;
  /** Web only. */
  subscription?: WebPushSubscription;
}

/** `GET /api/discovery/chat-node`: where to open the socket. */
export interface ChatNode {
  nodeId: string;
  url: string;
}
