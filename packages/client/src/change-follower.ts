import type { ChatSocket } from './socket-client';
import type { MessageUpdate, ReadSignal, Receipt } from './contract';
import { maxId } from './ids';
import type { ChatMessage } from './types';

export interface FollowOptions {
  /** The device's cursor: the highest change id it has processed. */
  cursor?: string;
  /**
   * Every message, new or changed, from live events and from sync pages, in its latest known state: upsert
   * by id (a later copy of an id replaces the earlier one).
   */
  onMessages(messages: ChatMessage[]): void;
  /** Read markers, live (`read`) and from sync pages (`receipts`); the reader's own devices included. */
  onReceipts?(receipts: Receipt[]): void;
  /** After each sync page and live change: the cursor up to which sync has answered everything (persist it). */
  onSynced?(cursor: string): void;
  /** A sync that failed (it is retried on the next `sync:required` or reconnect). */
  onError?(error: unknown): void;
  /**
   * Called on `sync:required` and on every connect after the first, before the catch-up: presence changes in the gap are not in
   * the change log, so refetch the friends' presence here (GET /api/presence).
   */
  onGap?(): void;
  /** Page size of each catch-up sync. */
  pageSize?: number;
}

/**
 * Keeps one device in step with the user's change log (DESIGN.md sections 4, 6 and 6b): live `message:new`,
 * `message:updated` and `read` events move the cursor, and on `sync:required` or any (re)connect of the socket
 * it syncs from the cursor page by page. Syncs never overlap: a request that comes while one runs makes it go
 * round once more.
 */
export class ChangeFollower {
  private cursorValue: string | undefined;
  /**
   * The cursor up to which sync has answered everything. Catch-ups page from here, not from the live
   * cursor: while a chat node's pub/sub link is down, events from the same node still arrive live and move
   * the live cursor past events of other nodes that the gap lost, which the catch-up must still return.
   */
  private synced: string | undefined;
  private running?: Promise<void>;
  private again = false;
  private readonly detach: () => void;

  constructor(
    private readonly chat: ChatSocket,
    private readonly opts: FollowOptions,
  ) {
    this.cursorValue = opts.cursor;
    this.synced = opts.cursor;
    const onNew = (m: ChatMessage) => {
      this.cursorValue = maxId(this.cursorValue, m.id);
      opts.onMessages([m]);
    };
    const onUpdated = (u: MessageUpdate) => {
      this.cursorValue = maxId(this.cursorValue, u.changeId);
      opts.onMessages([u.message]);
    };
    const onRead = (r: ReadSignal) => {
      this.cursorValue = maxId(this.cursorValue, r.changeId);
      opts.onReceipts?.([{ channelId: r.channelId, userId: r.userId, messageId: r.messageId }]);
    };
    const onSyncRequired = () => {
      opts.onGap?.();
      void this.catchUp();
    };
    // Every connect, the first included when the follower was made before it: the socket is in its rooms
    // once connected, so a sync from there misses nothing.
    const onConnect = onSyncRequired;
    chat.socket.on('message:new', onNew);
    chat.socket.on('message:updated', onUpdated);
    chat.socket.on('read', onRead);
    chat.socket.on('sync:required', onSyncRequired);
    chat.socket.on('connect', onConnect);
    this.detach = () => {
      chat.socket.off('message:new', onNew);
      chat.socket.off('message:updated', onUpdated);
      chat.socket.off('read', onRead);
      chat.socket.off('sync:required', onSyncRequired);
      chat.socket.off('connect', onConnect);
    };
  }

  get cursor(): string | undefined {
    return this.cursorValue;
  }

  /** The cursor up to which sync has answered everything: the one to keep across runs and nodes. */
  get syncedCursor(): string | undefined {
    return this.synced;
  }

  /** Syncs from the cursor until the server has no more; resolves when this (or a running) catch-up ends. */
  catchUp(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  stop(): void {
    this.detach();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        let more = true;
        while (more) {
          const page = await this.chat.sync({ after: this.synced, limit: this.opts.pageSize ?? 500 });
          if (!page.ok) throw new Error(`sync failed: ${page.error.code}`);
          if (page.messages.length) this.opts.onMessages(page.messages);
          if (page.receipts?.length) this.opts.onReceipts?.(page.receipts);
          this.synced = maxId(this.synced, page.cursor);
          this.opts.onSynced?.(this.synced);
          this.cursorValue = maxId(this.cursorValue, page.cursor);
          more = page.hasMore;
        }
      } catch (e) {
        this.opts.onError?.(e);
      }
    } while (this.again);
  }
}
