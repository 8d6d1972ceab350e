import { AppError } from '../common/app-error';
import { validatePayload } from '../common/validation';
import { parseSendMessage, SendMessageDto } from './messaging.dto';

const outcome = (parse: () => SendMessageDto) => {
  try {
    return { ok: { ...parse() } };
  } catch (e) {
    return { error: e instanceof AppError ? e.code : String(e) };
  }
};

describe('parseSendMessage (the message:send fast path)', () => {
  const uuid = '3f0e0b5c-8a0e-4a57-9d1c-2f4f1b0d6a11';
  const payloads: unknown[] = [
    { clientMsgId: 'c1', to: uuid, content: 'hi' },
    { clientMsgId: 'c1', channelId: `group:${uuid}`, content: '' },
    { clientMsgId: 'x'.repeat(64), to: uuid, content: 'a' },
    { clientMsgId: 'x'.repeat(65), to: uuid, content: 'a' },
    { clientMsgId: '', to: uuid, content: 'a' },
    { clientMsgId: 'c1', to: 'é'.repeat(64), content: 'a' },
    { clientMsgId: 'c1', to: '😀'.repeat(40), content: 'a' },
    { clientMsgId: 'c1', to: '\uFE0F', content: 'a' },
    { clientMsgId: 'c1', channelId: 'g'.repeat(120), content: 'a' },
    { clientMsgId: 'c1', channelId: 'g'.repeat(121), content: 'a' },
    { clientMsgId: 7, to: uuid, content: 'a' },
    { clientMsgId: 'c1', to: uuid, content: 42 },
    { clientMsgId: 'c1', to: uuid },
    { clientMsgId: 'c1', to: uuid, content: 'a', extra: true },
    { clientMsgId: 'c1', to: null, content: 'a' },
    { clientMsgId: 'c1', to: uuid, content: 'line\nbreak\u0000' },
    { clientMsgId: 'c1', to: uuid, content: 'lone \ud800 surrogate' },
    { clientMsgId: 'c1', to: uuid, content: 'pair \ud83d\ude00 is fine' },
    { clientMsgId: 'c\u0007', to: uuid, content: 'a' },
    { clientMsgId: 'c\u0085', to: uuid, content: 'a' },
    {
      clientMsgId: 'c1',
      to: uuid,
      content: 'a',
      extra: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    },
    Object.assign(Object.create({ inherited: 1 }), { clientMsgId: 'c1', to: uuid, content: 'a' }),
    [],
    null,
    'text',
    42,
  ];

  it('takes the usual payload as it is, without building a DTO', () => {
    const usual = payloads[0];
    expect(parseSendMessage(usual)).toBe(usual);
  });

  it.each(payloads.map((p, i) => [i, p]))('answers payload %i exactly as SendMessageDto does', (_i, p) => {
    expect(outcome(() => parseSendMessage(p))).toEqual(outcome(() => validatePayload(SendMessageDto, p)));
  });
});
