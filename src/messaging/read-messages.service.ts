import { Injectable } from '@nestjs/common';
import { ChannelAccess } from './channel-access';
import { HistoryStore } from './history/history.store';
import { HistoryPageDto, SyncPageDto } from './messaging.dto';

/** Reading: a device catching up on its inbox after a cursor, and a channel's history page by page. */
@Injectable()
export class ReadMessagesService {
  constructor(
    private readonly history: HistoryStore,
    private readonly access: ChannelAccess,
  ) {}

  async sync(userId: string, after: string | undefined, limit = 100): Promise<SyncPageDto> {
    const rows = await this.history.inboxAfter(userId, after, limit + 1);
    const messages = rows.slice(0, limit);
    return {
      messages,
      cursor: messages.length ? messages[messages.length - 1].id : (after ?? '0'),
      hasMore: rows.length > limit,
    };
  }

  async channelHistory(
    userId: string,
    channelId: string,
    before: string | undefined,
    limit = 50,
  ): Promise<HistoryPageDto> {
    const { visibleFrom } = await this.access.forMember(userId, channelId);
    const rows = await this.history.channelPage(channelId, before, limit + 1);
    // A group member added later sees the group's history from the moment they joined.
    const from = BigInt(visibleFrom);
    const visible = rows.filter((m) => BigInt(m.id) >= from);
    const messages = visible.slice(0, limit);
    return { messages, nextBefore: visible.length > limit ? messages[messages.length - 1].id : null };
  }
}
