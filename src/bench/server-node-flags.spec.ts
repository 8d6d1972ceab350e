import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from './target';

const ROOT = join(__dirname, '..', '..');

describe('the node flags of the server', () => {
  it('are the same for npm start, the container image and the servers the bench starts', () => {
    const start = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
    ).scripts.start;
    expect(start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} dist/main.js`);
    const cmd = /^CMD (\[.*"dist\/main\.js"\])$/m.exec(
      readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8'),
    );
    expect(JSON.parse(cmd![1])).toEqual(['node', ...SERVER_NODE_FLAGS, 'dist/main.js']);
  });
});
