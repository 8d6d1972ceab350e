import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IntParam } from '../common/query-params';
import {
  IsOptional,
  IsString,
  Length,
  Matches,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { isWellFormed } from '../common/json-edge';
import { validatePayload } from '../common/validation';
import { isSnowflakeString } from '../ids/snowflake';
import type { Assert, SameType } from '../common/same-type';
import type {
  EditInput,
  EditTarget,
  HistoryPage,
  MessageTarget,
  ReactionTarget,
  Receipt,
  SendInput,
  SyncPage,
  TypingInput,
  ReadInput,
  ReadTarget,
  Conversation,
  ConversationPage,
  ConversationQuery as ConversationQueryShape,
  ChannelType,
  SyncQuery as SyncQueryShape,
  HistoryQuery as HistoryQueryShape,
} from '../contract';
import { MessageDto } from './message';

@ValidatorConstraint({ name: 'messageId' })
class IsMessageId implements ValidatorConstraintInterface {
  validate(v: unknown): boolean {
    return isSnowflakeString(v);
  }
  defaultMessage(): string {
    return '$property must be a message id (a decimal string)';
  }
}

/** `message:send`. Exactly one of `to` and `channelId` (checked by the use case). */
export class SendMessageDto {
  @IsString()
  @Length(1, 64)
  @Matches(/^\P{Cc}*$/u, { message: 'clientMsgId must not contain control characters' })
  clientMsgId!: string;
  @IsOptional() @IsString() @Length(1, 64) to?: string;
  @IsOptional() @IsString() @Length(1, 120) channelId?: string;
  // Length is checked in characters by the use case (too_large vs bad_request), not here.
  @IsString() content!: string;
}

const SEND_KEYS = new Set(['clientMsgId', 'to', 'channelId', 'content']);
// Printable ASCII: here a string's length is the length class-validator measures, so both agree exactly.
const ASCII_64 = /^[\x20-\x7e]{1,64}$/;
const ASCII_120 = /^[\x20-\x7e]{1,120}$/;

/**
 * `message:send` is the hot path: a payload of the usual shape (known keys, ASCII ids, string content that is
 * valid Unicode) is taken as it is, without class-transformer and class-validator's per-call allocations.
 * Anything else goes through validatePayload and SendMessageDto's rules, which decide and word the error (a
 * lone surrogate in the content is refused there). A unit test holds both to the same answers.
 */
export function parseSendMessage(payload: unknown): SendMessageDto {
  return isPlainSend(payload) ? payload : validatePayload(SendMessageDto, payload);
}

function isPlainSend(p: unknown): p is SendMessageDto {
  if (
    p === null ||
    typeof p !== 'object' ||
    Array.isArray(p) ||
    Object.getPrototypeOf(p) !== Object.prototype
  )
    return false;
  for (const key of Object.keys(p)) if (!SEND_KEYS.has(key)) return false;
  const { clientMsgId, to, channelId, content } = p as Record<string, unknown>;
  return (
    typeof clientMsgId === 'string' &&
    ASCII_64.test(clientMsgId) &&
    (to === undefined || (typeof to === 'string' && ASCII_64.test(to))) &&
    (channelId === undefined || (typeof channelId === 'string' && ASCII_120.test(channelId))) &&
    typeof content === 'string' &&
    isWellFormed(content)
  );
}

export class SyncQuery {
  @ApiPropertyOptional({ description: 'the highest change id (or message id) this device has processed' })
  @IsOptional()
  @Validate(IsMessageId)
  after?: string;

  @IntParam(1, 500, 100)
  limit?: number;
}

export class HistoryQuery {
  @ApiPropertyOptional({ description: 'page older than this message id' })
  @IsOptional()
  @Validate(IsMessageId)
  before?: string;

  @IntParam(1, 100, 50)
  limit?: number;
}

export class ReceiptDto implements Receipt {
  @ApiProperty() channelId!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ description: 'read up to and including this message' }) messageId!: string;
}

export class SyncPageDto {
  @ApiProperty({
    type: [MessageDto],
    description: 'created or changed after the cursor, in their current state, by latest change',
  })
  messages!: MessageDto[];
  @ApiProperty({ type: [ReceiptDto] }) receipts!: ReceiptDto[];
  @ApiProperty({ description: 'the highest change id the page covers: send it as `after` next time' })
  cursor!: string;
  @ApiProperty() hasMore!: boolean;
}

export class HistoryPageDto {
  @ApiProperty({ type: [MessageDto], description: 'newest first' }) messages!: MessageDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as `before` for the next older page' })
  nextBefore!: string | null;
}

/** `PATCH /api/channels/:channelId/messages/:messageId`. Limits are checked in characters by the use case. */
export class EditMessageDto implements EditInput {
  @ApiProperty({ description: '1 to 100,000 characters' }) @IsString() content!: string;
}

/** The socket's `message:delete`. */
export class MessageTargetDto implements MessageTarget {
  @IsString() @Length(1, 120) channelId!: string;
  @Validate(IsMessageId) messageId!: string;
}

/** The socket's `message:edit`. */
export class EditTargetDto extends MessageTargetDto implements EditTarget {
  @IsString() content!: string;
}

/** The socket's `reaction:add` / `reaction:remove` (the emoji's own rules are the use case's). */
export class ReactionTargetDto extends MessageTargetDto implements ReactionTarget {
  @IsString() @Length(1, 200) emoji!: string;
}

/** The socket's `typing`. */
export class TypingDto implements TypingInput {
  @IsString() @Length(1, 120) channelId!: string;
}

/** `POST /api/channels/:channelId/read`. */
export class ReadInputDto implements ReadInput {
  @ApiProperty({ description: 'the newest message the user has read (a message id of the channel)' })
  @Validate(IsMessageId)
  messageId!: string;
}

/** The socket's `read`. */
export class ReadTargetDto extends MessageTargetDto implements ReadTarget {}

export class ConversationQuery {
  @ApiPropertyOptional({ description: 'the nextBefore of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  before?: string;

  @IntParam(1, 100, 50)
  limit?: number;
}

export class PeerDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
}

export class ConversationDto implements Conversation {
  @ApiProperty() channelId!: string;
  @ApiProperty({ enum: ['dm', 'group'] }) channelType!: ChannelType;
  @ApiProperty({ description: "the group's name, or the DM peer's display name" }) name!: string;
  @ApiProperty({ type: PeerDto, nullable: true, description: 'the other user of a DM; null for a group' })
  peer!: PeerDto | null;
  @ApiProperty({
    type: MessageDto,
    nullable: true,
    description: 'the newest message (a tombstone if deleted)',
  })
  lastMessage!: MessageDto | null;
  @ApiProperty({
    type: 'integer',
    description:
      'messages after readUpTo that others sent and that are not deleted; exact up to 1,000 (capped)',
  })
  unreadCount!: number;
  @ApiProperty({ type: String, nullable: true, description: "the user's read marker (a message id)" })
  readUpTo!: string | null;
  @ApiProperty({
    description: "ISO-8601: the newest message's time, or when the user joined a group with none",
  })
  lastActivityAt!: string;
}

export class ConversationPageDto implements ConversationPage {
  @ApiProperty({ type: [ConversationDto], description: 'most recent activity first' })
  channels!: ConversationDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'pass as `before` for the next page; null on the last',
  })
  nextBefore!: string | null;
}

export type ReadInputDtoIsTheContract = Assert<SameType<ReadInputDto, ReadInput>>;
export type ReadTargetDtoIsTheContract = Assert<SameType<ReadTargetDto, ReadTarget>>;
export type ConversationQueryIsTheContract = Assert<SameType<ConversationQuery, ConversationQueryShape>>;
export type ConversationDtoIsTheContract = Assert<SameType<ConversationDto, Conversation>>;
export type ConversationPageDtoIsTheContract = Assert<SameType<ConversationPageDto, ConversationPage>>;
export type TypingDtoIsTheContract = Assert<SameType<TypingDto, TypingInput>>;
export type EditMessageDtoIsTheContract = Assert<SameType<EditMessageDto, EditInput>>;
export type MessageTargetDtoIsTheContract = Assert<SameType<MessageTargetDto, MessageTarget>>;
export type EditTargetDtoIsTheContract = Assert<SameType<EditTargetDto, EditTarget>>;
export type ReactionTargetDtoIsTheContract = Assert<SameType<ReactionTargetDto, ReactionTarget>>;
export type ReceiptDtoIsTheContract = Assert<SameType<ReceiptDto, Receipt>>;
export type SendMessageDtoIsTheContract = Assert<SameType<SendMessageDto, SendInput>>;
export type SyncQueryIsTheContract = Assert<SameType<SyncQuery, SyncQueryShape>>;
export type HistoryQueryIsTheContract = Assert<SameType<HistoryQuery, HistoryQueryShape>>;
export type SyncPageDtoIsTheContract = Assert<SameType<SyncPageDto, SyncPage>>;
export type HistoryPageDtoIsTheContract = Assert<SameType<HistoryPageDto, HistoryPage>>;
