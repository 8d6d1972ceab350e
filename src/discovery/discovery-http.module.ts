import { Module } from '@nestjs/common';
import { DiscoveryController } from './discovery.controller';

/** The api role's lookup, `GET /api/discovery/chat-node`; needs DiscoveryModule.forRoot in the root. */
@Module({ controllers: [DiscoveryController] })
export class DiscoveryHttpModule {}
