import { ChatSocket } from '@chat-server/client';
import type { ChatMessage } from '@chat-server/client';
import type { SocketSpec } from './protocol';

/** One worker's sockets: connected with bounded concurrency, heartbeating like real clients, counted. */
export class SocketFleet {
  readonly sockets: ChatSocket[] = [];
  private connectedCount = 0;
  private disconnectCount = 0;
  private closing = false;
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(
    private readonly onMessage: (index: number, message: ChatMessage) => void,
    /** A `read` (receipt) or `typing` event arrived at one of the sockets. */
    private readonly onSignal: (kind: 'read' | 'typing') => void = () => undefined,
  ) {}

  get connected(): number {
    return this.connectedCount;
  }
  get disconnects(): number {
    return this.disconnectCount;
  }

  async connect(
    specs: readonly SocketSpec[],
    concurrency: number,
  ): Promise<{ ok: number; failed: number; firstError?: string }> {
    let next = 0;
    let failed = 0;
    let firstError: string | undefined;
    const runner = async () => {
      while (next < specs.length) {
        const index = next++;
        const spec = specs[index];
        const s = new ChatSocket(spec.url, { token: spec.token, deviceId: spec.deviceId });
        this.sockets[index] = s;
        s.on('message:new', (m) => this.onMessage(index, m));
        s.onRead(() => this.onSignal('read'));
        s.onTyping(() => this.onSignal('typing'));
        try {
          await s.connected();
          this.connectedCount++;
          s.socket.on('disconnect', () => {
            if (this.closing) return;
            this.connectedCount--;
            this.disconnectCount++;
          });
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message : String(e);
          s.close();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, runner));
    return { ok: this.connectedCount, failed, firstError };
  }

  /** Every socket heartbeats once per `everyMs`, spread over one-second ticks. */
  startHeartbeats(everyMs: number): void {
    if (everyMs <= 0) return;
    const slots = Math.max(1, Math.round(everyMs / 1000));
    let tick = 0;
    this.heartbeatTimer = setInterval(() => {
      const slot = tick++ % slots;
      for (let i = slot; i < this.sockets.length; i += slots) {
        const s = this.sockets[i];
        if (s?.socket.connected) s.heartbeat().catch(() => undefined);
      }
    }, 1000);
  }

  close(): void {
    this.closing = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    for (const s of this.sockets) s?.close();
  }
}
