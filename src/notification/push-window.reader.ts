import { Injectable } from '@nestjs/common';
import { snowflakeTime } from '../ids/snowflake';
import { HistoryStore, MessageRef } from '../messaging/history/history.store';
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
 * Reads what a collapse window holds from the user's change log (DESIGN.md section 4): the `new` entries
 * from the window's first message up to its end, in the job's channel, not sent by the user (their own
 * messages from other devices are in their log too), not deleted and not read by now. The inbox, not a counter, is the source: it is
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
    /** The user's read marker: messages up to it are read, on some device, and not news. */
    readUpTo: string | null = null,
  ): Promise<WindowSummary | null> {
    const read = BigInt(readUpTo ?? '0');
    let after = (BigInt(firstMessageId) - 1n).toString();
    const refs: MessageRef[] = [];
    scan: for (let scanned = 0; scanned < MAX_SCANNED;) {
      const page = await this.history.changesAfter(userId, after, PAGE);
      for (const e of page) {
        if (snowflakeTime(e.changeId) > windowEndMs) break scan;
        if (e.kind === 'new' && e.channelId === channelId) refs.push({ channelId, id: e.messageId });
      }
      if (page.length < PAGE) break;
      scanned += page.length;
      after = page[page.length - 1].changeId;
    }
    // Their current state: a message deleted since is not announced, an edited one shows its new text.
    const fromOthers = (await this.history.getMessages(refs)).filter(
      (m) => m.senderId !== userId && !m.deletedAt && BigInt(m.id) > read,
    );
    if (!fromOthers.length) return null;
    const latest = fromOthers.reduce((a, b) => (BigInt(b.id) > BigInt(a.id) ? b : a));
    return { count: fromOthers.length, latest };
  }
}
