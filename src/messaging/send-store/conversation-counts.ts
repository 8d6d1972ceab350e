import { Logger } from '@nestjs/common';
import { ConversationStore } from '../../conversations/conversation-store';
import type { Message } from '../message';

const logger = new Logger('ConversationCounts');
/** Retries of a count that failed, 1 s apart doubling to a minute: about 10 minutes of outage. */
const RETRY_DELAYS_MS = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60].map((s) => s * 1000);

/**
 * Counts a stored message in its conversations where history and the conversation state live in different
 * stores (Cassandra and Postgres). A message is acked once it is durable in history: a relational store that
 * is down must not make a DM unsendable (its sender and recipient are cached), so a count that fails is
 * retried in the background, as a resend would count it (only where nothing newer was counted since). What is
 * lost is the count of a message whose retries all failed or whose process died meanwhile: a read of the
 * newest message sets the count right again.
 */
export async function countTolerantly(
  conversations: ConversationStore,
  message: Message,
  dmUserIds: readonly string[] | undefined,
  again = false,
): Promise<void> {
  try {
    await conversations.posted(message, dmUserIds, again);
  } catch (e) {
    logger.warn(`conversation count of message ${message.id} failed (${(e as Error).message}); retrying`);
    retry(conversations, message, dmUserIds, 0);
  }
}

function retry(
  conversations: ConversationStore,
  m: Message,
  dmUserIds: readonly string[] | undefined,
  n: number,
) {
  if (n >= RETRY_DELAYS_MS.length) {
    logger.error(`conversation count of message ${m.id} given up after ${n} retries`);
    return;
  }
  setTimeout(() => {
    conversations.posted(m, dmUserIds, true).then(
      () => logger.log(`conversation count of message ${m.id} done on retry ${n + 1}`),
      () => retry(conversations, m, dmUserIds, n + 1),
    );
  }, RETRY_DELAYS_MS[n]).unref();
}
