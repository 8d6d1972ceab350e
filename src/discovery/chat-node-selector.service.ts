import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { ChatNode, ChatNodeRegistry } from './chat-node-registry';
import { DISCOVERY_OPTIONS, DiscoveryOptions } from './discovery.options';

/** The node with the lowest connections / capacity; a random one among equals. Undefined for none. */
export function leastLoaded(
  nodes: readonly ChatNode[],
  random: () => number = Math.random,
): ChatNode | undefined {
  let best: ChatNode[] = [];
  let bestLoad = Infinity;
  for (const node of nodes) {
    const load = node.connections / Math.max(1, node.capacity);
    if (load < bestLoad) {
      best = [node];
      bestLoad = load;
    } else if (load === bestLoad) {
      best.push(node);
    }
  }
  return best[Math.min(best.length - 1, Math.floor(random() * best.length))];
}

/** Answers `GET /api/discovery/chat-node`: which chat node a client should open its socket on. */
@Injectable()
export class ChatNodeSelector {
  private readonly logger = new Logger(ChatNodeSelector.name);
  private snapshot: { nodes: Promise<ChatNode[]>; until: number } | undefined;

  constructor(
    private readonly registry: ChatNodeRegistry,
    @Inject(DISCOVERY_OPTIONS) private readonly options: DiscoveryOptions,
  ) {}

  async pick(): Promise<ChatNode> {
    const nodes = await this.healthy();
    const node = leastLoaded(nodes, this.options.random);
    if (!node) throw new AppError('unavailable', 'no chat node is available; retry shortly');
    // The client is about to connect there; count it so the next picks from this snapshot spread out.
    node.connections += 1;
    return { ...node };
  }

  private async healthy(): Promise<ChatNode[]> {
    const now = Date.now();
    let snapshot = this.snapshot;
    if (!snapshot || snapshot.until <= now) {
      const nodes = this.registry.healthyNodes();
      snapshot = { nodes, until: now + this.options.cacheMs };
      this.snapshot = snapshot;
      nodes.catch(() => {
        if (this.snapshot?.nodes === nodes) this.snapshot = undefined; // never cache a failure
      });
    }
    try {
      return await snapshot.nodes;
    } catch (e) {
      this.logger.warn(`chat-node discovery failed: ${e instanceof Error ? e.message : String(e)}`);
      throw new AppError('unavailable', 'chat-node discovery is unavailable; retry shortly');
    }
  }
}
