import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { ChatNodeRegistry } from './chat-node-registry';
import { ChatNodeSelector } from './chat-node-selector.service';
import { ConsulChatNodeRegistry } from './consul-chat-node.registry';
import { consulClient } from './consul-client';
import { DISCOVERY_OPTIONS, DiscoveryOptions, discoveryOptions } from './discovery.options';
import { InMemoryChatNodeRegistry } from './in-memory-chat-node.registry';
import { SelfUrl } from './self-url';

/**
 * Binds the ChatNodeRegistry port for every role: on the topology's discovery: Consul, or this process
 * itself.
 * Transports are separate: DiscoveryHttpModule (api) answers lookups, DiscoveryRegistrationModule (chat)
 * keeps this node registered.
 */
@Global()
@Module({})
export class DiscoveryModule {
  static forRoot(config: AppConfig, overrides: Partial<DiscoveryOptions> = {}): DynamicModule {
    const options = discoveryOptions(overrides);
    const consulUrl = config.consul.url;
    const registry: Provider =
      config.topology.discovery === 'consul' && consulUrl
        ? {
            provide: ChatNodeRegistry,
            useFactory: () =>
              new ConsulChatNodeRegistry(
                consulClient({
                  url: consulUrl,
                  token: config.consulToken,
                  timeoutMs: options.requestTimeoutMs,
                }),
                options,
              ),
          }
        : {
            provide: ChatNodeRegistry,
            useFactory: (self: SelfUrl, metrics: MetricsService) =>
              new InMemoryChatNodeRegistry(self, metrics, options.capacity, options.nodeId),
            inject: [SelfUrl, MetricsService],
          };
    return {
      module: DiscoveryModule,
      providers: [{ provide: DISCOVERY_OPTIONS, useValue: options }, SelfUrl, registry, ChatNodeSelector],
      exports: [DISCOVERY_OPTIONS, SelfUrl, ChatNodeRegistry, ChatNodeSelector],
    };
  }
}
