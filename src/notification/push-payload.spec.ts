import type { Message } from '../messaging/message';
import { buildPushPayload, channelCollapseKey, previewText } from './push-payload';

const message = (content: string): Message => ({
  id: '1234567890123',
  channelId: 'dm:a:b',
  channelType: 'dm',
  senderId: 'a',
  content,
  clientMsgId: 'c1',
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('previewText', () => {
  it('keeps a short text as it is', () => {
    expect(previewText('hello there', 100)).toBe('hello there');
  });

  it('cuts to the length in characters and marks the cut', () => {
    expect(previewText('abcdefghij', 4)).toBe('abcd…');
    expect(previewText('abcd', 4)).toBe('abcd');
  });

  it('never cuts an emoji in half', () => {
    const text = '😀😀😀😀😀';
    expect(text.length).toBe(10); // UTF-16 units
    expect(previewText(text, 3)).toBe('😀😀😀…');
  });

  it('folds newlines and runs of whitespace into single spaces', () => {
    expect(previewText('  line one\n\n\tline   two  ', 100)).toBe('line one line two');
  });

  it('does not end a cut preview with a space', () => {
    expect(previewText('abc def', 4)).toBe('abc…');
  });
});

describe('buildPushPayload', () => {
  const opts = { previewLength: 100, hideContent: false };

  it('shows the sender and the text of a single message', () => {
    expect(buildPushPayload({ latest: message('hi'), count: 1 }, 'Ann', opts, 3)).toEqual({
      type: 'message',
      channelId: 'dm:a:b',
      channelType: 'dm',
      messageId: '1234567890123',
      senderId: 'a',
      senderName: 'Ann',
      count: 1,
      badge: 3,
      preview: 'hi',
      title: 'Ann',
      body: 'hi',
    });
  });

  it('says how many messages a collapsed notification stands for', () => {
    const p = buildPushPayload({ latest: message('the last one'), count: 3 }, 'Ann', opts);
    expect(p).toMatchObject({ count: 3, preview: 'the last one', body: '3 new messages: the last one' });
  });

  it('sends no text at all when content is hidden', () => {
    const hidden = { previewLength: 100, hideContent: true };
    const one = buildPushPayload({ latest: message('secret'), count: 1 }, 'Ann', hidden);
    const many = buildPushPayload({ latest: message('secret'), count: 4 }, 'Ann', hidden);
    expect(one).not.toHaveProperty('preview');
    expect(one.body).toBe('New message');
    expect(many.body).toBe('4 new messages');
    expect(JSON.stringify([one, many])).not.toContain('secret');
  });

  it('treats a preview length of 0 as hidden content', () => {
    const p = buildPushPayload({ latest: message('secret'), count: 1 }, 'Ann', {
      previewLength: 0,
      hideContent: false,
    });
    expect(JSON.stringify(p)).not.toContain('secret');
  });
});

describe('channelCollapseKey', () => {
  it('is 32 base64url characters, stable per channel', () => {
    const k = channelCollapseKey(`dm:${'a'.repeat(36)}:${'b'.repeat(36)}`);
    expect(k).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(channelCollapseKey('g1')).toBe(channelCollapseKey('g1'));
    expect(channelCollapseKey('g1')).not.toBe(channelCollapseKey('g2'));
  });
});
