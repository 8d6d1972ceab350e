import { Module } from '@nestjs/common';
import { MessagingController } from './messaging.controller';

/** Sync, channel history, and edits, deletes and reactions over REST (MessagingModule is global). */
@Module({ controllers: [MessagingController] })
export class MessagingHttpModule {}
