export const DISCOVERY_OPTIONS = Symbol('DISCOVERY_OPTIONS');

export interface DiscoveryOptions {
  /** CHAT_NODE_CAPACITY: connections a chat node is sized for. */
  capacity: number;
  /** TTL of the node's Consul check: a node that has not passed it for this long leaves the pool. */
  ttlSeconds: number;
  /** How often a chat node passes its check (and publishes its connection count). At most half the TTL. */
  passIntervalMs: number;
  /** Consul removes a node whose check stayed critical this long (Go duration; Consul's minimum is 1m). */
  deregisterCriticalAfter: string;
  /** Timeout of every call to the Consul agent. */
  requestTimeoutMs: number;
  /**
   * How long the api role reuses one list of healthy nodes. Each pick within that window counts one more
   * connection on the node it chose, so a burst of lookups spreads instead of piling onto one node.
   */
  cacheMs: number;
  /** The Consul service name chat nodes register under. */
  serviceName: string;
  /** Overrides the node id derived from the public URL. */
  nodeId?: string;
  /** Tie-break between equally loaded nodes; tests make it deterministic. */
  random: () => number;
}

export function discoveryOptions(overrides: Partial<DiscoveryOptions> = {}): DiscoveryOptions {
  const ttlSeconds = overrides.ttlSeconds ?? 15;
  const options: DiscoveryOptions = {
    capacity: 50_000,
    ttlSeconds,
    passIntervalMs: Math.max(100, Math.floor((ttlSeconds * 1000) / 3)),
    deregisterCriticalAfter: '1m',
    requestTimeoutMs: 2_000,
    cacheMs: 1_000,
    serviceName: 'chat',
    random: Math.random,
    ...overrides,
  };
  if (!Number.isInteger(options.capacity) || options.capacity < 1) {
    throw new Error(`discovery: capacity must be a positive integer (got ${options.capacity})`);
  }
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
    throw new Error(`discovery: ttlSeconds must be a positive integer (got ${options.ttlSeconds})`);
  }
  // One lost pass must not take a healthy node out of the pool.
  if (options.passIntervalMs * 2 > options.ttlSeconds * 1000) {
    throw new Error(
      `discovery: passIntervalMs (${options.passIntervalMs}) must be at most half of the TTL (${options.ttlSeconds} s)`,
    );
  }
  return options;
}
