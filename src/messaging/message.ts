import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { AppError } from '../common/app-error';
import type { Assert, SameType } from '../common/same-type';
import type { ChannelType, Message, Reaction } from '../contract';

export type { ChannelType, Message, Reaction } from '../contract';

@ApiSchema({ name: 'Reaction' })
export class ReactionDto implements Reaction {
  @ApiProperty({ minLength: 1, maxLength: 32 }) emoji!: string;
  @ApiProperty({ type: [String], description: 'in the order they reacted' }) userIds!: string[];
}
export type ReactionDtoIsTheContract = Assert<SameType<ReactionDto, Reaction>>;

/** The contract's Message in the OpenAPI document, where its schema keeps the name `Message`. */
@ApiSchema({ name: 'Message' })
export class MessageDto implements Message {
  @ApiProperty() id!: string;
  @ApiProperty() channelId!: string;
  @ApiProperty({ enum: ['dm', 'group'] }) channelType!: ChannelType;
  @ApiProperty() senderId!: string;
  @ApiProperty() content!: string;
  @ApiProperty() clientMsgId!: string;
  @ApiProperty({ description: 'ISO-8601' }) createdAt!: string;
  @ApiProperty({ required: false, description: 'ISO-8601; set once edited' }) editedAt?: string;
  @ApiProperty({ required: false, description: 'ISO-8601; set once deleted (content is then "")' })
  deletedAt?: string;
  @ApiProperty({ required: false, type: [ReactionDto] }) reactions?: ReactionDto[];
}
export type MessageDtoIsTheContract = Assert<SameType<MessageDto, Message>>;

export const MAX_CONTENT_CHARS = 100_000;

/** Length in characters (Unicode code points), not UTF-16 units or bytes. */
export function contentLength(s: string): number {
  if (s.length <= MAX_CONTENT_CHARS) return s.length; // code points <= code units: no need to count
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The content rules of a send and an edit (DESIGN.md section 7). */
export function checkContent(content: string): void {
  const length = contentLength(content);
  if (length === 0) throw AppError.badRequest('content must not be empty');
  if (length > MAX_CONTENT_CHARS)
    throw new AppError('too_large', `content is longer than ${MAX_CONTENT_CHARS} characters`);
  // Postgres text cannot hold U+0000 and no human text needs it: refuse it on every store alike.
  if (content.includes('\u0000')) throw AppError.badRequest('content must not contain U+0000');
}
