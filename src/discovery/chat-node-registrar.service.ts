import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { MetricsService } from '../metrics/metrics.service';
import { ChatNodeRegistration, ChatNodeRegistry } from './chat-node-registry';
import { DISCOVERY_OPTIONS, DiscoveryOptions } from './discovery.options';
import { liveConnections } from './live-connections';
import { nodeIdFor, SelfUrl } from './self-url';

/**
 * A chat node's membership in discovery: joins once the HTTP server listens, passes its check with the live
 * connection count every few seconds, and leaves first thing on shutdown, so no new client is sent here.
 * Leaving happens in onModuleDestroy, the first shutdown hook Nest calls: the node is out of discovery before
 * any beforeApplicationShutdown hook (the chat drain) tells clients to reconnect through discovery, whatever
 * the module order. Discovery being down never stops the node: it logs once and keeps retrying.
 */
@Injectable()
export class ChatNodeRegistrar implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Discovery');
  private node: ChatNodeRegistration | undefined;
  private registered = false;
  private failing = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private listening: Subscription | undefined;

  constructor(
    private readonly registry: ChatNodeRegistry,
    private readonly self: SelfUrl,
    private readonly metrics: MetricsService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(DISCOVERY_OPTIONS) private readonly options: DiscoveryOptions,
  ) {}

  /** The registration once known; for admin views and tests. */
  get current(): Readonly<ChatNodeRegistration> | undefined {
    return this.node;
  }

  onApplicationBootstrap(): void {
    // Nest runs this hook inside app.listen() but before the port is bound; clients can connect only after.
    if (this.adapterHost.listening) this.start();
    else this.listening = this.adapterHost.listen$.subscribe(() => this.start());
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.listening?.unsubscribe();
    clearTimeout(this.timer);
    await this.running;
    if (!this.node) return;
    try {
      await this.registry.deregister();
      this.logger.log(`left discovery as ${this.node.id}`);
    } catch (e) {
      this.logger.warn(`could not leave discovery (its TTL will expire): ${message(e)}`);
    }
  }

  private start(): void {
    if (this.stopped || this.node) return;
    const url = this.self.get();
    if (!url) {
      this.logger.error('cannot tell this chat node URL; set PUBLIC_URL. Not joining discovery.');
      return;
    }
    this.node = { id: this.options.nodeId ?? nodeIdFor(url), url, capacity: this.options.capacity };
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.beat().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.options.passIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const node = this.node!;
    try {
      if (!this.registered) {
        await this.registry.register(node);
        this.registered = true;
        this.logger.log(`joined discovery as ${node.id} at ${node.url}`);
      }
      await this.registry.pass({ connections: await liveConnections(this.metrics) });
      if (this.failing) this.logger.log('discovery answers again');
      this.failing = false;
    } catch (e) {
      if (!this.failing) {
        this.logger.warn(`discovery failed: ${message(e)}; retrying every ${this.options.passIntervalMs} ms`);
      }
      this.failing = true;
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
