import { snowflakeTime } from '../../ids/snowflake';
import type { Message } from '../message';

export const BUCKET_MS = 10 * 24 * 3600 * 1000;

/** The 10-day bucket a message id falls in (its partition key part in Cassandra). */
export function bucketOf(id: string): number {
  return Math.floor(snowflakeTime(id) / BUCKET_MS);
}

/**
 * The history port: `messages_by_channel` (a channel's log, read newest first) and `inbox_by_user` (each
 * user's change log, read oldest first after a cursor). Writes are idempotent: the same id is the same row.
 */
export abstract class HistoryStore {
  abstract saveMessage(message: Message): Promise<void>;
  abstract addToInboxes(userIds: readonly string[], message: Message): Promise<void>;
  abstract getMessage(channelId: string, id: string): Promise<Message | null>;
  /** Up to `limit` messages of a channel with id < before (all when absent), newest first. */
  abstract channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]>;
  /** Up to `limit` inbox entries of a user with id > after (all when absent), oldest first. */
  abstract inboxAfter(userId: string, after: string | undefined, limit: number): Promise<Message[]>;
}
