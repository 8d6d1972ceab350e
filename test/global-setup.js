const { mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
module.exports = async () => {
  process.env.CHAT_SKIP_LOG = join(mkdtempSync(join(tmpdir(), 'chat-skips-')), 'skips.txt');
};
