import type { ConversationState, PostedMessage } from './conversations.sql';

/** A read marker as sync's `receipts` carry it, with the change id it moved at. */
export interface MarkerChange {
  channelId: string;
  userId: string;
  messageId: string;
  changeId: string;
}

/** Where a page of the conversation list starts: strictly after this (activity id, channel id). */
export interface ListPosition {
  activityId: string;
  channelId: string;
}

/** What a read marker move writes (DESIGN.md section 6b: markers only move forward). */
export interface ReadMove {
  messageId: string;
  changeId: string;
  /** Unread messages between the new marker and the newest message when the row was read (0 if none). */
  unread: number;
  /** The row's unread count when it was read: what is counted beyond it since is added to `unread`. */
  unreadBefore: number;
}

/**
 * The per-user conversation state (conversation.entity.ts): each write keeps the list order, the newest
 * message and the unread counts, so reads never scan a channel's history. Relational: the embedded file or
 * Postgres. Group membership rows are written by the groups repository with the membership itself.
 */
export abstract class ConversationStore {
  /**
   * Counts a new message in its channel: the newest message and activity of every member's row, and one
   * more unread for every member but the sender who has not read past it. A DM's rows are created by its
   * first message. `again` (a resend) counts only where the first attempt did not get to.
   */
  abstract posted(m: PostedMessage, dmUserIds?: readonly string[], again?: boolean): Promise<void>;
  /** A deleted message no longer counts as unread where it counted. */
  abstract deleted(m: PostedMessage): Promise<void>;
  /** Group members' rows, for a membership that has none (a repair); existing rows are kept. */
  abstract joined(
    channelId: string,
    userIds: readonly string[],
    visibleFrom: string,
    atMs: number,
  ): Promise<void>;
  abstract get(userId: string, channelId: string): Promise<ConversationState | null>;
  /** Up to `limit` of the user's conversations after `from` (from the top when absent), most recent first. */
  abstract page(userId: string, from: ListPosition | undefined, limit: number): Promise<ConversationState[]>;
  /**
   * Moves the user's marker forward to `move.messageId`. False when it did not move: the marker is at or past
   * it, or a later change moved it meanwhile. Messages counted since the row was read are kept in the count.
   */
  abstract moveRead(userId: string, channelId: string, move: ReadMove): Promise<boolean>;
  /** Markers in the user's channels (their own included) that moved after `after`, oldest change first. */
  abstract receiptsAfter(userId: string, after: string, limit: number): Promise<MarkerChange[]>;
  /** The sum of the user's unread counts, each capped at `cap` (a push's badge). */
  abstract totalUnread(userId: string, cap: number): Promise<number>;
}
