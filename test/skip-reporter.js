/** Prints which suites were skipped for want of a service, and why (written by test/support/services.ts). */
const { existsSync, readFileSync } = require('node:fs');
class SkipReporter {
  onRunComplete() {
    const file = process.env.CHAT_SKIP_LOG;
    if (!file || !existsSync(file)) return;
    const lines = [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
    if (!lines.length) return;
    console.log(`\nSkipped suites (set the variable to run them; REQUIRE_SERVICES=1 turns a skip into a failure):`);
    for (const l of lines) console.log(`  - ${l}`);
  }
}
module.exports = SkipReporter;
