import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RealtimeEmitter } from './realtime-emitter';
import { RemoteSocketsEmitter } from './remote-sockets.emitter';
import { SocketServerEmitter } from './socket-server.emitter';

/** Binds RealtimeEmitter: the local Socket.IO server on chat nodes, the Redis emitter elsewhere. */
@Global()
@Module({})
export class RealtimeModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers: Provider[] = config.hasRole('chat')
      ? [SocketServerEmitter, { provide: RealtimeEmitter, useExisting: SocketServerEmitter }]
      : config.topology.sharedState === 'redis'
        ? [{ provide: RealtimeEmitter, useClass: RemoteSocketsEmitter }]
        : [];
    return {
      module: RealtimeModule,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
