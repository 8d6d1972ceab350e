import { Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { ConversationStore } from '../../conversations/conversation-store';
import type { Message } from '../message';

const logger = new Logger('ConversationCounts');
/** Retries of a count that failed, 1 s apart doubling to a minute: about 10 minutes of outage. */
const RETRY_DELAYS_MS = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60, 60, 60].map((s) => s * 1000);
/** The longest a send's ack waits for its count; a slower one finishes (or is retried) after the ack. */
const COUNT_WAIT_MS = 1_000;

interface Count {
  conversations: ConversationStore;
  message: Message;
  dmUserIds: readonly string[] | undefined;
}

/** Counts failing now, and given up since the last report: one log line per outage, not one per message. */
const outage = { failing: 0, givenUp: 0 };

/**
 * Counts a stored message in its conversations where history and the conversation state live in different
 * stores (Cassandra and Postgres). A message is acked once it is durable in history: a relational store that
 * is down or stalled must not make a DM unsendable or slow (its sender and recipient are cached), so the ack
 * waits for the count at most COUNT_WAIT_MS, and a count that fails is retried in the background, as a resend
 * would count it (only where nothing newer was counted since). What is lost is the count of a message whose
 * retries all failed or whose process died meanwhile: a read of the newest message sets the count right again.
 */
export async function countTolerantly(
  conversations: ConversationStore,
  message: Message,
  dmUserIds: readonly string[] | undefined,
  again = false,
): Promise<void> {
  const count: Count = { conversations, message, dmUserIds };
  const counting = conversations.posted(message, dmUserIds, again).then(
    () => undefined,
    (e: unknown) => {
      if (outage.failing++ === 0)
        logger.warn(
          `conversation counts are failing (${(e as Error).message}); retrying them in the background`,
        );
      retry(count, 0);
    },
  );
  await Promise.race([counting, delay(COUNT_WAIT_MS, undefined, { ref: false })]);
}

function retry(count: Count, n: number): void {
  if (n >= RETRY_DELAYS_MS.length) {
    outage.givenUp++;
    settle();
    return;
  }
  setTimeout(() => {
    count.conversations.posted(count.message, count.dmUserIds, true).then(
      () => settle(),
      () => retry(count, n + 1),
    );
  }, RETRY_DELAYS_MS[n]).unref();
}

/** A retried count is done (counted or given up): the last one of an outage reports it. */
function settle(): void {
  if (--outage.failing > 0) return;
  if (outage.givenUp)
    logger.error(`conversation counts: ${outage.givenUp} given up after ~10 minutes of retries`);
  else logger.log('conversation counts work again; every failed one was counted on retry');
  outage.givenUp = 0;
}
