/** What a chat node publishes about itself when it joins discovery. */
export interface ChatNodeRegistration {
  /** Stable per public URL, so a restarted node replaces its own stale entry. */
  id: string;
  /** Where clients open their Socket.IO connection. */
  url: string;
  /** Connections this node is sized for; load is connections / capacity. */
  capacity: number;
}

/** A node that discovery currently considers healthy. */
export interface ChatNode extends ChatNodeRegistration {
  connections: number;
}

/**
 * The chat-node discovery port (DESIGN.md section 4). A chat node calls register once it listens, pass every
 * few seconds with its live connection count, and deregister on shutdown; the api role asks healthyNodes.
 * Adapters throw on failure; the callers decide whether to log (registration) or answer 503 (lookup).
 */
export abstract class ChatNodeRegistry {
  abstract register(node: ChatNodeRegistration): Promise<void>;
  abstract pass(load: { connections: number }): Promise<void>;
  abstract deregister(): Promise<void>;
  abstract healthyNodes(): Promise<ChatNode[]>;
}
