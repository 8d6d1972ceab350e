import { snowflakeTime } from '../../ids/snowflake';
import type { ChannelType, Message } from '../message';

export const BUCKET_MS = 10 * 24 * 3600 * 1000;

/** The 10-day bucket a message id falls in (its partition key part in Cassandra). */
export function bucketOf(id: string): number {
  return Math.floor(snowflakeTime(id) / BUCKET_MS);
}

/** What a change-log entry records (DESIGN.md section 6b). */
export type ChangeKind = 'new' | 'edit' | 'delete' | 'reaction';

/**
 * One entry of a user's change log: the message it concerns changed (or was created) at `changeId`, a
 * Snowflake from the same generator as message ids. A new message's entry has `changeId === messageId`.
 * Entries hold no copy of the message: sync reads its current state from the channel's log, so an edit or
 * a delete rewrites one row, not one per member, and erased text has no copies left behind.
 */
export interface ChangeEntry {
  changeId: string;
  kind: ChangeKind;
  channelId: string;
  channelType: ChannelType;
  messageId: string;
}

/** A message's new content: an edit sets `editedAt`; a delete sets `deletedAt` and erases the content (''). */
export interface ContentUpdate {
  content: string;
  editedAt?: string;
  deletedAt?: string;
}

/** Where a message lives: its channel and id. */
export interface MessageRef {
  channelId: string;
  id: string;
}

/**
 * The history port: `messages_by_channel` (a channel's log, read newest first, each message in its current
 * state), the reactions of each message, and `inbox_by_user` (each user's change log, read oldest first
 * after a cursor). Writes are idempotent: the same id is the same row.
 *
 * A message read from any method is in its current state: `editedAt` and `deletedAt` when set, and
 * `reactions` (emoji in the order of their first active reaction, user ids in the order they reacted) only
 * when it has at least one; none of the three keys is present otherwise.
 */
export abstract class HistoryStore {
  /** The message's row in its channel, as sent (its editedAt, deletedAt and reactions are not written). */
  abstract saveMessage(message: Message): Promise<void>;
  /** A `new` entry (change id = message id) in each user's change log. */
  abstract addToInboxes(userIds: readonly string[], message: Message): Promise<void>;
  /** One entry of any kind in each user's change log; idempotent per (user, changeId). */
  abstract appendChange(userIds: readonly string[], entry: ChangeEntry): Promise<void>;
  abstract getMessage(channelId: string, id: string): Promise<Message | null>;
  /** The current state of each message found, in any order; unknown refs are left out. */
  abstract getMessages(refs: readonly MessageRef[]): Promise<Message[]>;
  /** Up to `limit` messages of a channel with id < before (all when absent), newest first. */
  abstract channelPage(channelId: string, before: string | undefined, limit: number): Promise<Message[]>;
  /** Up to `limit` change-log entries of a user with change id > after (all when absent), oldest first. */
  abstract changesAfter(userId: string, after: string | undefined, limit: number): Promise<ChangeEntry[]>;
  /**
   * Overwrites a stored message's content and its edit or delete time. After a delete (`deletedAt`, content
   * '') the old text is in no row of any table this store reads or writes: overwritten, not hidden. A message
   * that is not stored is left alone (no row is created).
   */
  abstract updateContent(channelId: string, id: string, update: ContentUpdate): Promise<void>;
  /**
   * Turns one user's reaction with one emoji on a message on or off. `changeId` orders the reaction (the
   * order users reacted); reactions of different users or emoji never overwrite each other, so two members
   * reacting at once on two nodes both count.
   */
  /**
   * How many messages of a channel with `after` < id <= `upTo` were sent by someone other than `readerId` and
   * are not deleted, counting up to `cap` (the answer is then `cap`). Reads no message text: it backs an
   * unread count when a read marker stops short of the newest message.
   */
  abstract countUnread(
    channelId: string,
    range: { after: string; upTo: string; readerId: string; cap: number },
  ): Promise<number>;
  abstract setReaction(
    ref: MessageRef,
    reaction: { emoji: string; userId: string; active: boolean; changeId: string },
  ): Promise<void>;
}
