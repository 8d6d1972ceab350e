import { AuditEntryEntity } from './admin/audit.entity';
import { RefreshTokenEntity } from './auth/refresh-token.entity';
import { ConversationRow } from './conversations/conversation.entity';
import { DeviceEntity } from './devices/device.entity';
import { FriendRequestEntity } from './friends/friend-request.entity';
import { GroupEntity, GroupMemberEntity } from './groups/group.entities';
import { ChannelMessageRow, InboxRow, ReactionRow, SendDedupeRow } from './messaging/message.entities';
import { UserEntity } from './users/user.entity';

/** Every relational entity; the same list for SQLite and Postgres. */
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  FriendRequestEntity,
  GroupEntity,
  GroupMemberEntity,
  ChannelMessageRow,
  InboxRow,
  ReactionRow,
  SendDedupeRow,
  ConversationRow,
  DeviceEntity,
  AuditEntryEntity,
];
