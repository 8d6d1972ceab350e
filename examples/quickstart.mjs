// The quick start: two people chat through the SDK (@chat-server/client) against a running server.
// Start one with `npm start`, then `npm run example` (or `node examples/quickstart.mjs`).
import { ChatClient } from '@chat-server/client';

const baseUrl = process.env.CHAT_URL ?? 'http://localhost:3000';
const suffix = Date.now().toString(36);

// Each ChatClient is one person on one device: it finds a chat node, reconnects with backoff, refreshes
// its token, syncs after every reconnect and keeps one copy of each message.
const alice = new ChatClient({ baseUrl });
const bob = new ChatClient({ baseUrl });
await alice.register({ username: `alice_${suffix}`, password: 'correct horse battery' });
const bobUser = await bob.register({ username: `bob_${suffix}`, password: 'correct horse battery' });
await Promise.all([alice.connect(), bob.connect()]);

const arrived = new Promise((resolve) => bob.on('messages', (changed) => resolve(changed[0])));
const sent = await alice.send({ to: bobUser.id, content: 'Hello from the quick start!' });
const message = await arrived;
console.log(`bob got "${message.content}" from alice (message ${message.id})`);

await bob.react({ channelId: sent.channelId, messageId: sent.id, emoji: '👋' });
await bob.markRead(sent.channelId, sent.id);
const { channels } = await alice.http.listConversations();
console.log(`alice's conversations: ${channels.map((c) => `${c.name} (${c.unreadCount} unread)`).join(', ')}`);

alice.close();
bob.close();
