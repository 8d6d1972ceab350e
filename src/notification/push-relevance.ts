import { Injectable } from '@nestjs/common';
import { ConversationStore } from '../conversations/conversation-store';
import { UNREAD_CAP } from '../messaging/read-markers.service';
import { PresenceStore } from '../presence/presence.store';

/**
 * Whether a push would still be news when its job runs. Users' top complaint about chat push is being
 * notified of what they already saw, so the job asks again at send time rather than trusting the sender's
 * view of who was offline.
 */
@Injectable()
export class PushRelevance {
  constructor(
    private readonly presence: PresenceStore,
    private readonly conversations: ConversationStore,
  ) {}

  /**
   * A device of the user is live now: it got (or will sync) the messages itself. Note the presence
   * timeout: a user whose last device dropped less than PRESENCE_TIMEOUT_MS ago still reads as online.
   */
  async isOnline(userId: string): Promise<boolean> {
    return (await this.presence.status([userId])).get(userId)?.status === 'online';
  }

  /** The user's read marker in the channel (set by any of their devices), or null. */
  async readUpTo(userId: string, channelId: string): Promise<string | null> {
    return (await this.conversations.get(userId, channelId))?.readUpTo ?? null;
  }

  /** The notification's badge: the user's unread messages over every conversation. */
  badge(userId: string): Promise<number> {
    return this.conversations.totalUnread(userId, UNREAD_CAP);
  }
}
