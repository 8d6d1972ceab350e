import { Module } from '@nestjs/common';
import { ChatNodeRegistrar } from './chat-node-registrar.service';

/** The chat role's membership in discovery; needs DiscoveryModule.forRoot in the root. */
@Module({ providers: [ChatNodeRegistrar], exports: [ChatNodeRegistrar] })
export class DiscoveryRegistrationModule {}
