import { Injectable } from '@nestjs/common';
import { PresenceStore } from '../presence/presence.store';

/**
 * Whether a push would still be news when its job runs. Users' top complaint about chat push is being
 * notified of what they already saw, so the job asks again at send time rather than trusting the sender's
 * view of who was offline.
 */
@Injectable()
export class PushRelevance {
  constructor(private readonly presence: PresenceStore) {}

  /**
   * A device of the user is live now: it got (or will sync) the messages itself. Note the presence
   * timeout: a user whose last device dropped less than PRESENCE_TIMEOUT_MS ago still reads as online.
   */
  async isOnline(userId: string): Promise<boolean> {
    return (await this.presence.status([userId])).get(userId)?.status === 'online';
  }

  /**
   * Hook: the user has read the channel up to or past `messageId` on some device since the job was queued.
   * TODO(read markers): there are no read markers yet (the `read` event is a later issue). When they land,
   * answer from the user's marker for the channel (compare ids as BigInt): markerId >= messageId.
   */
  async hasRead(_userId: string, _channelId: string, _messageId: string): Promise<boolean> {
    return false;
  }
}
