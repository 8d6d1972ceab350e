import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { IdGenerator } from '../ids/id-generator';
import { snowflakeTime } from '../ids/snowflake';
import { ChannelAccess, ResolvedChannel } from './channel-access';
import { SendDedupe } from './dedupe/send-dedupe';
import { HistoryStore } from './history/history.store';
import { contentLength, MAX_CONTENT_CHARS, Message } from './message';
import { MessagePublisher } from './message-publisher';
import type { SendMessageDto } from './messaging.dto';

export interface SendContext {
  userId: string;
  socketId?: string;
}

/**
 * The send path (DESIGN.md section 4): authorize, dedupe on (sender, clientMsgId), store the message and
 * every member's inbox row, publish, and only then return (the ack). A resend of a stored message is
 * published again and answered with the stored copy; it never writes a second one.
 */
@Injectable()
export class SendMessageService {
  private readonly logger = new Logger(SendMessageService.name);
  /** Test hook (CHAT_TEST_HOOKS=1): sends whose clientMsgId starts with this stop after the write, once. */
  static readonly DROP_AFTER_WRITE = 'test:drop-after-write:';
  private readonly dropped = new Set<string>();

  constructor(
    private readonly ids: IdGenerator,
    private readonly access: ChannelAccess,
    private readonly dedupe: SendDedupe,
    private readonly history: HistoryStore,
    private readonly publisher: MessagePublisher,
    private readonly config: AppConfig,
  ) {}

  /** Returns the stored message, or undefined when the test hook swallowed the ack. */
  async send(ctx: SendContext, input: SendMessageDto): Promise<Message | undefined> {
    const channel = await this.resolve(ctx.userId, input);
    const length = contentLength(input.content);
    if (length === 0) throw AppError.badRequest('content must not be empty');
    if (length > MAX_CONTENT_CHARS)
      throw new AppError('too_large', `content is longer than ${MAX_CONTENT_CHARS} characters`);
    // Postgres text cannot hold U+0000 and no human text needs it: refuse it on every store alike.
    if (input.content.includes('\u0000')) throw AppError.badRequest('content must not contain U+0000');

    const id = this.ids.next();
    const candidate = {
      id,
      channelId: channel.channelId,
      createdAt: new Date(snowflakeTime(id)).toISOString(),
    };
    const bound = await this.dedupe.claim(ctx.userId, input.clientMsgId, candidate);
    const stored = bound.id === id ? undefined : await this.history.getMessage(bound.channelId, bound.id);
    const message: Message = stored ?? {
      ...bound,
      channelType: channel.channelType,
      senderId: ctx.userId,
      content: input.content,
      clientMsgId: input.clientMsgId,
    };
    const members =
      stored && stored.channelId !== channel.channelId
        ? await this.membersOf(ctx.userId, stored)
        : channel.memberIds;
    // A bound id without a stored message: an earlier attempt died before writing. Write it now, under that id.
    await Promise.all([this.history.saveMessage(message), this.history.addToInboxes(members, message)]);

    if (this.config.testHooks && this.swallow(ctx.userId, input.clientMsgId)) return undefined;
    this.publisher.publish(members, message, ctx.socketId);
    return message;
  }

  private resolve(userId: string, input: SendMessageDto): Promise<ResolvedChannel> {
    if ((input.to === undefined) === (input.channelId === undefined)) {
      throw AppError.badRequest('give exactly one of to and channelId');
    }
    return input.to !== undefined
      ? this.access.directTo(userId, input.to)
      : this.access.forMember(userId, input.channelId!);
  }

  private async membersOf(userId: string, m: Message): Promise<string[]> {
    return (await this.access.forMember(userId, m.channelId)).memberIds;
  }

  private swallow(userId: string, clientMsgId: string): boolean {
    if (!clientMsgId.startsWith(SendMessageService.DROP_AFTER_WRITE)) return false;
    const key = `${userId}:${clientMsgId}`;
    if (this.dropped.has(key)) return false;
    this.dropped.add(key);
    this.logger.warn('test hook: dropping publish and ack after the write');
    return true;
  }
}
