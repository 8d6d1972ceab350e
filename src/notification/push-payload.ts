import { createHash } from 'node:crypto';
import type { ChannelType, Message } from '../messaging/message';

/**
 * What every platform's notification carries (Web Push sends it as the JSON body; FCM and APNs map it to
 * their own fields). `messageId` is the newest message of the collapsed window; `count` how many there were.
 */
export interface PushPayload {
  type: 'message';
  channelId: string;
  channelType: ChannelType;
  messageId: string;
  senderId: string;
  senderName: string;
  count: number;
  /** The recipient's total unread count over every conversation (the app icon's badge). */
  badge: number;
  /** The newest message's text, cut to the preview length; absent when content is hidden. */
  preview?: string;
  /** Ready-to-show title and body, for clients that display the notification as it comes. */
  title: string;
  body: string;
}

export interface PreviewOptions {
  previewLength: number;
  hideContent: boolean;
}

/**
 * The preview of a message text: whitespace runs (newlines included) become one space, and the text is
 * cut to `length` characters (code points, never half a surrogate pair) with an ellipsis when cut.
 */
export function previewText(content: string, length: number): string {
  const flat = content.replace(/\s+/gu, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= length) return flat;
  return chars.slice(0, length).join('').trimEnd() + '…';
}

export function buildPushPayload(
  summary: { latest: Message; count: number },
  senderName: string,
  opts: PreviewOptions,
  badge = 0,
): PushPayload {
  const { latest, count } = summary;
  const preview =
    opts.hideContent || opts.previewLength === 0
      ? undefined
      : previewText(latest.content, opts.previewLength);
  const many = count > 1 ? `${count} new messages` : undefined;
  return {
    type: 'message',
    channelId: latest.channelId,
    channelType: latest.channelType,
    messageId: latest.id,
    senderId: latest.senderId,
    senderName,
    count,
    badge,
    ...(preview === undefined ? {} : { preview }),
    title: senderName,
    body: preview === undefined ? (many ?? 'New message') : many ? `${many}: ${preview}` : preview,
  };
}

/**
 * A short stable key per channel for the platforms' own collapsing (Web Push `Topic`, APNs
 * `apns-collapse-id`, the Android notification tag): a newer notification of the channel replaces an older
 * one still waiting or shown. 32 base64url characters: the Topic header's limit.
 */
export function channelCollapseKey(channelId: string): string {
  return createHash('sha256').update(channelId).digest('base64url').slice(0, 32);
}
