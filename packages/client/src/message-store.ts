import type { Message } from './contract';
import { compareIds } from './ids';

/**
 * Which of two copies of one message is the later state. Live events and sync pages may overlap and arrive
 * in any order: a tombstone never comes back to life and an older edit never replaces a newer one; between
 * copies of the same edit state the later arrival wins (a reaction change).
 */
export function newerCopy(current: Message, incoming: Message): Message {
  if (current.deletedAt && !incoming.deletedAt) return current;
  if (incoming.deletedAt) return incoming;
  if (current.editedAt && (!incoming.editedAt || incoming.editedAt < current.editedAt)) return current;
  return incoming;
}

/**
 * Every message the client has seen, one copy per id (dedupe), each in its latest known state (upsert on
 * `message:updated` and sync). Per channel, oldest first by id.
 */
export class MessageStore {
  private readonly byChannel = new Map<string, Map<string, Message>>();

  /** Adds or replaces each message; answers the ones that changed what the store holds. */
  upsert(messages: Iterable<Message>): Message[] {
    const changed: Message[] = [];
    for (const m of messages) {
      let channel = this.byChannel.get(m.channelId);
      if (!channel) this.byChannel.set(m.channelId, (channel = new Map()));
      const current = channel.get(m.id);
      const next = current ? newerCopy(current, m) : m;
      if (next === current || (current && sameState(current, next))) continue;
      channel.set(m.id, next);
      changed.push(next);
    }
    return changed;
  }

  get(channelId: string, messageId: string): Message | undefined {
    return this.byChannel.get(channelId)?.get(messageId);
  }

  /** The channel's messages, oldest first (ids compared as BigInt). */
  list(channelId: string): Message[] {
    const channel = this.byChannel.get(channelId);
    return channel ? [...channel.values()].sort((a, b) => compareIds(a.id, b.id)) : [];
  }

  channels(): string[] {
    return [...this.byChannel.keys()];
  }

  clear(): void {
    this.byChannel.clear();
  }
}

function sameState(a: Message, b: Message): boolean {
  return (
    a.content === b.content &&
    a.editedAt === b.editedAt &&
    a.deletedAt === b.deletedAt &&
    JSON.stringify(a.reactions ?? []) === JSON.stringify(b.reactions ?? [])
  );
}
