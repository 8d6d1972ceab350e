import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * Watches a chat node's pub/sub links to Redis (the Socket.IO adapter's publisher and subscriber). Whatever
 * was published while a link was down is lost for this node's sockets, so once every link is back (and the
 * subscriber has resubscribed: a PING on it answers only after the SUBSCRIBEs that ioredis replays on
 * reconnect) `onRestored` tells the node's clients to sync from their cursors (`sync:required`).
 */
export class PubSubLinkWatch {
  private readonly logger = new Logger(PubSubLinkWatch.name);
  private readonly down = new Set<string>();
  private lostSince?: number;

  constructor(
    links: Record<string, Redis>,
    private readonly onRestored: () => void,
  ) {
    for (const [name, client] of Object.entries(links)) {
      client.on('close', () => this.lost(name));
      client.on('ready', () => void this.back(name, client));
    }
  }

  private lost(name: string): void {
    if (this.down.has(name)) return;
    if (this.down.size === 0) {
      this.lostSince = Date.now();
      this.logger.warn(`pub/sub link to Redis lost (${name}); live events may be missed until it returns`);
    }
    this.down.add(name);
  }

  private async back(name: string, client: Redis): Promise<void> {
    if (!this.down.has(name)) return;
    try {
      await client.ping();
    } catch {
      return; // dropped again: the next 'ready' retries
    }
    this.down.delete(name);
    if (this.down.size > 0) return;
    this.logger.log(
      `pub/sub link to Redis back after ${Date.now() - (this.lostSince ?? Date.now())} ms; clients told to sync`,
    );
    this.onRestored();
  }
}
