import { Injectable } from '@nestjs/common';
import { snowflakeTime } from '../ids/snowflake';
import { HistoryStore } from '../messaging/history/history.store';
import type { Message } from '../messaging/message';

export interface WindowSummary {
  /** Messages from others in the channel within the window. */
  count: number;
  /** The newest of them: its sender and text make the notification. */
  latest: Message;
}

const PAGE = 200;
/** A window is seconds long; a user who got more inbox entries than this in it gets "at least" this many. */
const MAX_SCANNED = 2_000;

/**
 * Reads what a collapse window holds from the user's inbox, the per-user change log (DESIGN.md section 4):
 * entries from the window's first message up to its end, in the job's channel, not sent by the user (their
 * own messages from other devices are in their inbox too). The inbox, not a counter, is the source: it is
 * already written before anyone is notified, and a resent message is one entry, so nothing counts twice.
 */
@Injectable()
export class PushWindowReader {
  constructor(private readonly history: HistoryStore) {}

  async summarize(
    userId: string,
    channelId: string,
    firstMessageId: string,
    windowEndMs: number,
  ): Promise<WindowSummary | null> {
    let after = (BigInt(firstMessageId) - 1n).toString();
    let count = 0;
    let latest: Message | undefined;
    for (let scanned = 0; scanned < MAX_SCANNED;) {
      const page = await this.history.inboxAfter(userId, after, PAGE);
      for (const m of page) {
        if (snowflakeTime(m.id) > windowEndMs) return latest ? { count, latest } : null;
        if (m.channelId === channelId && m.senderId !== userId) {
          count++;
          latest = m;
        }
      }
      if (page.length < PAGE) break;
      scanned += page.length;
      after = page[page.length - 1].id;
    }
    return latest ? { count, latest } : null;
  }
}
