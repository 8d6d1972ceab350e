import type Consul from 'consul';
import { ChatNode, ChatNodeRegistration, ChatNodeRegistry } from './chat-node-registry';
import { consulCall, ConsulError } from './consul-client';
import type { DiscoveryOptions } from './discovery.options';

/** The fields of a `GET /v1/health/service/:service` entry that we read. */
interface HealthEntry {
  Node?: { Address?: string };
  Service?: { ID?: string; Address?: string; Port?: number; Meta?: Record<string, string> | null };
}

type ConsulRegistryOptions = Pick<
  DiscoveryOptions,
  'serviceName' | 'ttlSeconds' | 'deregisterCriticalAfter' | 'capacity' | 'requestTimeoutMs'
>;

/**
 * Chat-node discovery on the Consul agent HTTP API: the node is service `chat` with a TTL check.
 *
 * Two channels, on purpose. The TTL is passed (`PUT /v1/agent/check/pass/:check_id`) every few seconds, its
 * note (the check's Output) carrying the connection count for operators. But the agent sends a check whose status did not
 * change to the servers only every `check_update_interval` (5 min by default), so Output is no use for
 * picking. The count the pick reads is the service's Meta, which only a re-registration changes and which
 * the agent syncs at once; we re-register only when the count differs from the one Consul has.
 */
export class ConsulChatNodeRegistry extends ChatNodeRegistry {
  private node: ChatNodeRegistration | undefined;
  /** The connection count in the registration Consul holds; undefined when it may hold none. */
  private published: number | undefined;

  constructor(
    private readonly consul: Consul,
    private readonly options: ConsulRegistryOptions,
  ) {
    super();
  }

  async register(node: ChatNodeRegistration): Promise<void> {
    this.node = node;
    this.published = undefined;
    await this.putService(node, 0);
  }

  async pass({ connections }: { connections: number }): Promise<void> {
    const node = this.node;
    if (!node) throw new Error('discovery: pass() before register()');
    if (this.published !== connections) await this.putService(node, connections);
    try {
      await this.call('PUT /v1/agent/check/pass', () =>
        this.consul.agent.check.pass({
          id: checkId(node.id),
          note: `connections=${connections} capacity=${node.capacity}`,
        }),
      );
    } catch (e) {
      // The agent may have lost the service (restarted without its state, or reaped it): the next pass
      // registers it again, which is idempotent if it had not.
      this.published = undefined;
      throw e;
    }
  }

  async deregister(): Promise<void> {
    const node = this.node;
    if (!node) return;
    this.node = undefined;
    this.published = undefined;
    try {
      await this.call('PUT /v1/agent/service/deregister', () =>
        this.consul.agent.service.deregister(node.id),
      );
    } catch (e) {
      if (!(e instanceof ConsulError && e.status === 404)) throw e; // already gone
    }
  }

  async healthyNodes(): Promise<ChatNode[]> {
    const entries = (await this.call('GET /v1/health/service', () =>
      this.consul.health.service({ service: this.options.serviceName, passing: true }),
    )) as HealthEntry[] | null;
    return (entries ?? []).flatMap((e) => {
      const node = this.toNode(e);
      return node ? [node] : [];
    });
  }

  private async putService(node: ChatNodeRegistration, connections: number): Promise<void> {
    const url = new URL(node.url);
    await this.call('PUT /v1/agent/service/register', () =>
      this.consul.agent.service.register({
        id: node.id,
        name: this.options.serviceName,
        // Address and Port serve Consul's DNS interface; clients get Meta.url, which keeps scheme and path.
        address: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
        meta: { url: node.url, connections: String(connections), capacity: String(node.capacity) },
        check: {
          checkid: checkId(node.id),
          name: 'chat node alive',
          notes: 'TTL check passed by the chat node itself every few seconds',
          ttl: `${this.options.ttlSeconds}s`,
          status: 'passing',
          deregistercriticalserviceafter: this.options.deregisterCriticalAfter,
          timeout: '0s', // the typings require it; only active (HTTP, TCP) checks use it, and the client drops it
        },
      }),
    );
    this.published = connections;
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return consulCall(what, this.options.requestTimeoutMs, fn);
  }

  private toNode(entry: HealthEntry): ChatNode | undefined {
    const s = entry.Service;
    if (!s?.ID) return undefined;
    const meta = s.Meta ?? {};
    const address = s.Address || entry.Node?.Address;
    const url = isHttpUrl(meta.url)
      ? meta.url
      : address && s.Port
        ? `http://${hostPart(address)}:${s.Port}`
        : '';
    if (!url) return undefined;
    return {
      id: s.ID,
      url,
      connections: count(meta.connections) ?? 0,
      capacity: count(meta.capacity) || this.options.capacity,
    };
  }
}

function checkId(serviceId: string): string {
  return `service:${serviceId}`;
}

function count(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function isHttpUrl(v: string | undefined): v is string {
  return v !== undefined && /^https?:\/\/[^\s]+$/.test(v);
}

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
