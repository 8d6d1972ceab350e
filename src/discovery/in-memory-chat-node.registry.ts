import { MetricsService } from '../metrics/metrics.service';
import { ChatNode, ChatNodeRegistry } from './chat-node-registry';
import { liveConnections } from './live-connections';
import { nodeIdFor, SelfUrl } from './self-url';

/** Discovery without Consul (DESIGN.md section 2): the only chat node is this process itself. */
export class InMemoryChatNodeRegistry extends ChatNodeRegistry {
  constructor(
    private readonly self: SelfUrl,
    private readonly metrics: MetricsService,
    private readonly capacity: number,
    private readonly nodeId?: string,
  ) {
    super();
  }

  async register(): Promise<void> {}
  async pass(): Promise<void> {}
  async deregister(): Promise<void> {}

  async healthyNodes(): Promise<ChatNode[]> {
    const url = this.self.get();
    if (!url) return [];
    const connections = await liveConnections(this.metrics);
    return [{ id: this.nodeId ?? nodeIdFor(url), url, connections, capacity: this.capacity }];
  }
}
