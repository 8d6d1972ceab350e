import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { IdGenerator } from '../ids/id-generator';
import { snowflakeTime } from '../ids/snowflake';
import { MessageRate } from '../metrics/message-rate';
import { ChannelAccess, ResolvedChannel } from './channel-access';
import type { SendRef } from './dedupe/send-dedupe';
import { SendStore } from './send-store/send-store';
import { FanoutEnqueuer } from './fanout-enqueuer';
import { GroupFanoutService } from './group-fanout.service';
import { HistoryStore } from './history/history.store';
import { checkContent, Message } from './message';
import { MessagePublisher } from './message-publisher';
import { AfterDelivery } from './after-delivery';
import { ConversationStore } from '../conversations/conversation-store';
import { countTolerantly } from './send-store/conversation-counts';
import type { SendMessageDto } from './messaging.dto';

export interface SendTicket {
  /**
   * Waits for the write, delivers the message and resolves with it, or rejects with the reason the send
   * failed. The caller keeps a device's order by calling it once the device's previous send has been
   * delivered (src/chat-gateway/send-order.ts).
   */
  deliver(): Promise<Message>;
}

export interface SendContext {
  userId: string;
  socketId?: string;
  /** Names this send in the jobs it causes (fan-out, push) and in their log lines. */
  correlationId?: string;
}

/**
 * The send path (DESIGN.md section 4): authorize, dedupe on (sender, clientMsgId), store, deliver, and only
 * then return (the ack). A DM writes both inbox rows and publishes before the ack. A group message is
 * acked once it is stored and its fanout job is queued (BullMQ); the embedded server, whose queue lives in
 * memory and would not survive a crash, fans out before the ack instead. A resend of a stored message is
 * delivered again and answered with the stored copy; it never writes a second one.
 */
@Injectable()
export class SendMessageService {
  constructor(
    private readonly ids: IdGenerator,
    private readonly access: ChannelAccess,
    private readonly store: SendStore,
    private readonly history: HistoryStore,
    private readonly publisher: MessagePublisher,
    private readonly groupFanout: GroupFanoutService,
    private readonly fanoutQueue: FanoutEnqueuer,
    private readonly config: AppConfig,
    private readonly rate: MessageRate,
    private readonly afterDelivery: AfterDelivery,
    private readonly conversations: ConversationStore,
  ) {}

  /**
   * Starts a send: resolves the channel, checks the content, takes the id and queues the first write. It
   * resolves as soon as that is done, so the next send of the same device can start and share the write's
   * commit; the ticket's `deliver` finishes it. Rejects with the reason the send failed.
   */
  async start(ctx: SendContext, input: SendMessageDto): Promise<SendTicket> {
    const requested = await this.resolve(ctx.userId, input);
    checkContent(input.content);

    const id = await this.ids.next();
    const fresh: Message = {
      id,
      channelId: requested.channelId,
      channelType: requested.channelType,
      senderId: ctx.userId,
      content: input.content,
      clientMsgId: input.clientMsgId,
      createdAt: new Date(snowflakeTime(id)).toISOString(),
    };
    // A DM's inbox rows are written with it; a group's come from the fan-out.
    const written = this.store.claimAndStore(fresh, requested.memberIds);
    written.catch(() => undefined); // answered by deliver()
    return { deliver: () => written.then((bound) => this.finish(ctx, input, fresh, requested, bound)) };
  }

  private async finish(
    ctx: SendContext,
    input: SendMessageDto,
    fresh: Message,
    requested: ResolvedChannel,
    bound: SendRef,
  ): Promise<Message> {
    const { message, channel } =
      bound.id === fresh.id
        ? { message: fresh, channel: requested }
        : await this.resend(ctx, input, bound, requested);

    if (channel.memberIds) {
      this.publisher.publish(channel.memberIds, message, ctx.socketId);
      this.afterDelivery.delivered(channel.memberIds, message, ctx.correlationId);
    } else {
      await this.deliverToGroup(message, ctx);
    }
    this.rate.record();
    return message;
  }

  /**
   * The (sender, clientMsgId) pair is bound to an earlier message: answer with that one, in the channel it
   * went to. Its rows are written again (idempotent), which also completes an attempt that died before
   * writing them or after writing only some.
   */
  private async resend(
    ctx: SendContext,
    input: SendMessageDto,
    bound: SendRef,
    requested: ResolvedChannel,
  ): Promise<{ message: Message; channel: ResolvedChannel }> {
    const stored = await this.history.getMessage(bound.channelId, bound.id);
    const channel =
      bound.channelId === requested.channelId
        ? requested
        : await this.access.forMember(ctx.userId, bound.channelId);
    const message: Message = stored ?? {
      ...bound,
      channelType: channel.channelType,
      senderId: ctx.userId,
      content: input.content,
      clientMsgId: input.clientMsgId,
    };
    // The row before the entries, as on the first write (an entry is never visible before its message).
    await this.history.saveMessage(message);
    if (channel.memberIds) await this.history.addToInboxes(channel.memberIds, message);
    // Counted only where the first attempt did not get to (it may have died before counting).
    await countTolerantly(this.conversations, message, channel.memberIds, true);
    return { message, channel };
  }

  private async deliverToGroup(message: Message, ctx: SendContext): Promise<void> {
    const { socketId: exceptSocketId, correlationId } = ctx;
    if (this.config.topology.queue === 'memory') {
      await this.groupFanout.fanout(message, exceptSocketId, correlationId);
      return;
    }
    await this.fanoutQueue.enqueue({
      messageId: message.id,
      channelId: message.channelId,
      senderId: message.senderId,
      exceptSocketId,
      correlationId,
    });
  }

  private resolve(userId: string, input: SendMessageDto): Promise<ResolvedChannel> {
    if ((input.to === undefined) === (input.channelId === undefined)) {
      throw AppError.badRequest('give exactly one of to and channelId');
    }
    return input.to !== undefined
      ? this.access.directTo(userId, input.to)
      : this.access.forMember(userId, input.channelId!);
  }
}
