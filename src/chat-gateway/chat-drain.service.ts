import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Readiness } from '../common/readiness';
import type { ChatServer } from '../realtime/socket-server.emitter';

/** How long a stopping node waits for sends already in flight. */
const IN_FLIGHT_WAIT_MS = 10_000;

/**
 * Graceful shutdown of a chat node (SIGTERM): refuse new handshakes, let sends in flight finish (they are
 * acked), tell every client to reconnect through discovery (`server:draining`), then disconnect them.
 * Discovery deregisters in the same phase, so reconnecting clients are sent to another node.
 */
@Injectable()
export class ChatDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ChatDrain.name);
  private server?: ChatServer;
  private inFlight = 0;
  private idle?: () => void;
  draining = false;

  constructor(private readonly readiness: Readiness) {}

  bind(server: ChatServer): void {
    this.server = server;
  }

  /** A send started; `end()` when it has settled. */
  begin(): void {
    this.inFlight++;
  }

  end(): void {
    if (--this.inFlight === 0) this.idle?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    this.readiness.stopping(); // before the wait: no new clients are sent here while sends finish
    this.draining = true;
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_WAIT_MS).unref()),
      ]);
    }
    const sockets = [...this.server.of('/').sockets.values()];
    this.server.local.emit('server:draining', { reason: 'shutdown', reconnect: 'discovery' });
    // A disconnect packet, so clients see "io server disconnect" and know the server meant it.
    for (const socket of sockets) socket.disconnect(false);
    // Let the packets reach the wire before the HTTP server is closed under them.
    await new Promise((resolve) => setTimeout(resolve, 100));
    this.logger.log(`drained: ${sockets.length} sockets told to reconnect through discovery`);
  }
}
