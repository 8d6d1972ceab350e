/** The admin API (`/api/admin/...`, role admin only) and the devices API, as clients see them. */
import type { DevicePlatform, Group, PublicUser } from './rest';

export interface AdminUser extends PublicUser {
  role: 'user' | 'admin';
  banned: boolean;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601; null for a user never seen online. */
  lastActiveAt: string | null;
  status: 'online' | 'offline';
}

export interface AdminPageQuery {
  offset?: number;
  /** 1 to 100. */
  limit?: number;
}

export interface AdminUserQuery extends AdminPageQuery {
  /** A username prefix. */
  search?: string;
}

export interface AdminUserPage {
  users: AdminUser[];
  /** Users matching the search, over all pages. */
  total: number;
}

export interface AdminGroupPage {
  groups: Group[];
  total: number;
}

/** A healthy chat node and its load. */
export interface ChatNodeLoad {
  id: string;
  url: string;
  connections: number;
  capacity: number;
  health: 'passing';
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface FailedJobSummary {
  jobId: string;
  payload: unknown;
  failedReason: string;
  attempts: number;
}

export interface AdminStats {
  onlineUsers: number;
  connections: number;
  messagesPerSecond: number;
  chatNodes: number;
}

export interface AnnouncementSent {
  /** ISO-8601: when it was broadcast. */
  at: string;
}

export interface AuditEntry {
  id: string;
  /** ISO-8601. */
  at: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  limit?: number;
  before?: string;
}

/** `POST /api/devices`: the registered device. */
export interface Device {
  deviceId: string;
  platform: DevicePlatform;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601. */
  updatedAt: string;
}

/** `GET /api/devices/vapid-public-key`: what `PushManager.subscribe` needs as `applicationServerKey`. */
export interface VapidPublicKey {
  publicKey: string;
}
