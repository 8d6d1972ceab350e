import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_EVENT_NAMES, SERVER_EVENT_NAMES } from '../../src/contract';

interface AsyncApiDoc {
  channels: Record<string, { address: string }>;
  operations: Record<string, { action: 'send' | 'receive'; channel: { $ref: string }; reply?: unknown }>;
}

/** docs/asyncapi.json describes exactly the events of the contract's event map, in the right direction. */
describe('the AsyncAPI document of the Socket.IO events', () => {
  const doc = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'docs', 'asyncapi.json'), 'utf8'),
  ) as AsyncApiDoc;
  const addressOf = (ref: string) => doc.channels[ref.replace('#/channels/', '')].address;
  const events = (action: 'send' | 'receive') =>
    Object.values(doc.operations)
      .filter((o) => o.action === action)
      .map((o) => addressOf(o.channel.$ref))
      .sort();

  it('lists every client event as a send with an ack reply, and nothing else', () => {
    expect(events('send')).toEqual(Object.keys(CLIENT_EVENT_NAMES).sort());
    for (const o of Object.values(doc.operations)) if (o.action === 'send') expect(o.reply).toBeDefined();
  });

  it('lists every server event as a receive, and nothing else', () => {
    expect(events('receive')).toEqual(Object.keys(SERVER_EVENT_NAMES).sort());
  });
});
