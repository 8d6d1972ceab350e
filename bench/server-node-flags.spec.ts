import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_NODE_FLAGS, EMBEDDED_NODE_FLAGS, IMAGE_NODE_FLAGS } from './target';
import { REPO_ROOT } from './paths';

describe('the node flags of the server', () => {
  it('are the ones npm start and the container image use, so the bench measures what is deployed', () => {
    const start = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts.start;
    expect(start).toBe(['node', ...EMBEDDED_NODE_FLAGS, 'dist/main.js'].join(' '));
    const cmd = /^CMD (\[.*"dist\/main\.js"\])$/m.exec(
      readFileSync(join(REPO_ROOT, 'docker', 'Dockerfile'), 'utf8'),
    );
    expect(JSON.parse(cmd![1])).toEqual(['node', ...IMAGE_NODE_FLAGS, 'dist/main.js']);
  });

  it('of a chat node are the NODE_OPTIONS compose gives each chat service', () => {
    const compose = readFileSync(join(REPO_ROOT, 'docker', 'compose.yaml'), 'utf8');
    const chatServices = [...compose.matchAll(/^ {2}(\S+):\n((?: {4}.*\n|\s*\n)*)/gm)].filter(([, , body]) =>
      /^ {6}ROLES: chat$/m.test(body),
    );
    expect(chatServices.map(([, name]) => name)).toEqual(['chat-1', 'chat-2']);
    for (const [, , body] of chatServices)
      expect(/^ {6}NODE_OPTIONS: (.*)$/m.exec(body)?.[1]).toBe(CHAT_NODE_FLAGS.join(' '));
  });
});
