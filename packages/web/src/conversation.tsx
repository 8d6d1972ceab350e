import type { Message } from '@chat-server/client';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { PeopleSearch } from './sidebar';
import type { ChatStore } from './store';

const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

/** The open conversation: heading, presence, the "Messages" log, signals and the composer. */
export function Conversation({ store }: { store: ChatStore }) {
  const open = store.open!;
  const [showMembers, setShowMembers] = useState(false);
  const messages = store.messages(open.channelId);
  const typing = store.typingNames(open.channelId);
  const readLine = store.readLine(open.channelId);
  const peer = open.peer;
  const presence = peer ? store.presence.get(peer.id) : undefined;
  const isFriend = peer ? store.friends.has(peer.id) : false;
  const requested = peer ? store.requests.outgoing.some((r) => r.toUserId === peer.id) : false;
  const group = open.channelType === 'group' ? store.groups.get(open.channelId) : undefined;

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header>
        <button type="button" class="back" onClick={() => store.closeChannel()}>
          Back to conversations
        </button>
        <div class="title">
          <h2 id="conversation-title">{open.name}</h2>
          {peer && presence && <span class={`presence ${presence.status}`}>{presence.status}</span>}
          {peer && !isFriend && !requested && (
            <button
              type="button"
              class="small"
              onClick={() => store.addFriend(peer.id).catch((e) => store.fail(e))}
            >
              Add friend
            </button>
          )}
          {peer && !isFriend && requested && <span class="hint">Friend request sent</span>}
          {group && (
            <button
              type="button"
              class="small"
              aria-expanded={showMembers}
              onClick={() => setShowMembers(!showMembers)}
            >
              Members ({group.members.length})
            </button>
          )}
        </div>
      </header>
      {group && showMembers && <Members store={store} groupId={group.id} />}
      <MessageLog store={store} messages={messages} readLine={readLine} />
      <p class="typing" role="status" aria-label={typing.length ? typingText(typing) : ''}>
        {typing.length ? typingText(typing) : ''}
      </p>
      <Composer store={store} channelId={open.channelId} />
    </section>
  );
}

function typingText(names: string[]): string {
  return names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
}

function Members({ store, groupId }: { store: ChatStore; groupId: string }) {
  const group = store.groups.get(groupId)!;
  const mine = group.members.find((m) => m.userId === store.me?.id);
  const canManage = mine?.role === 'owner' || mine?.role === 'admin';
  return (
    <section class="panel" aria-label="Members">
      <ul>
        {group.members.map((m) => (
          <li key={m.userId} class="row">
            <span>
              {store.nameOf(m.userId)} {m.role !== 'member' && <span class="hint">({m.role})</span>}
            </span>
            {canManage && m.role !== 'owner' && (
              <button
                type="button"
                class="small secondary"
                onClick={() => store.removeMember(groupId, m.userId).catch((e) => store.fail(e))}
              >
                Remove {store.nameOf(m.userId)}
              </button>
            )}
          </li>
        ))}
      </ul>
      {canManage && (
        <PeopleSearch store={store} onPick={(u) => store.addMember(groupId, u).catch((e) => store.fail(e))} />
      )}
    </section>
  );
}

function MessageLog({
  store,
  messages,
  readLine,
}: {
  store: ChatStore;
  messages: Message[];
  readLine?: { messageId: string; text: string };
}) {
  const ref = useRef<HTMLDivElement>(null);
  const channelId = store.open!.channelId;
  const atBottom = useRef(true);
  const lastId = messages.at(-1)?.id;
  const firstId = messages[0]?.id;
  const prevHeight = useRef(0);

  // New messages keep the view at the bottom when it was there; an older page keeps the view where it was.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lastId, channelId]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && !atBottom.current && prevHeight.current) el.scrollTop += el.scrollHeight - prevHeight.current;
  }, [firstId]);
  useEffect(() => {
    atBottom.current = true;
  }, [channelId]);

  const onScroll = () => {
    const el = ref.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    prevHeight.current = el.scrollHeight;
    if (el.scrollTop < 60 && store.older.get(channelId) !== null) void store.loadOlder(channelId);
  };

  return (
    <div class="log" role="log" aria-label="Messages" ref={ref} onScroll={onScroll} tabIndex={0}>
      {store.older.get(channelId) !== null && messages.length > 0 && (
        <button type="button" class="small secondary older" onClick={() => void store.loadOlder(channelId)}>
          Load older messages
        </button>
      )}
      {messages.length === 0 && <p class="hint">No messages yet. Say hello.</p>}
      {messages.map((m) => (
        <MessageItem
          key={m.id}
          store={store}
          m={m}
          readText={readLine?.messageId === m.id ? readLine.text : undefined}
        />
      ))}
    </div>
  );
}

function MessageItem({ store, m, readText }: { store: ChatStore; m: Message; readText?: string }) {
  const [menu, setMenu] = useState<'actions' | 'react'>();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.content);
  const me = store.me?.id;
  const mine = m.senderId === me;
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const react = (emoji: string, on: boolean) => {
    const target = { channelId: m.channelId, messageId: m.id, emoji };
    (on ? store.client.react(target) : store.client.unreact(target)).catch((e) => store.fail(e));
  };

  return (
    <article class={mine ? 'mine' : ''}>
      <header>
        <strong>{store.nameOf(m.senderId)}</strong> <time dateTime={m.createdAt}>{time}</time>
        {m.editedAt && !m.deletedAt && <span class="hint"> edited</span>}
      </header>
      {m.deletedAt ? (
        <p class="deleted">Message deleted</p>
      ) : editing ? (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (!draft.trim()) return;
            store.client.edit(m.channelId, m.id, draft).then(
              () => setEditing(false),
              (err) => store.fail(err),
            );
          }}
        >
          <input aria-label="Edit message" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
          <button type="submit" class="small">
            Save
          </button>
          <button type="button" class="small secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <p class="text">{m.content}</p>
      )}
      {!m.deletedAt && (m.reactions?.length ?? 0) > 0 && (
        <div class="reactions">
          {m.reactions!.map((r) => {
            const on = !!me && r.userIds.includes(me);
            return (
              <button
                type="button"
                key={r.emoji}
                class={on ? 'small on' : 'small'}
                aria-pressed={on}
                onClick={() => react(r.emoji, !on)}
              >
                {`${r.emoji} ${r.userIds.length}`}
              </button>
            );
          })}
        </div>
      )}
      {!m.deletedAt && (
        <div class="actions">
          <button
            type="button"
            class="small secondary"
            aria-haspopup="menu"
            aria-expanded={menu !== undefined}
            aria-label="More actions"
            title="More actions"
            onClick={() => setMenu(menu ? undefined : 'actions')}
          >
            ⋯
          </button>
          {menu === 'actions' && (
            <div
              role="menu"
              aria-label="Message actions"
              onKeyDown={(e) => e.key === 'Escape' && setMenu(undefined)}
            >
              {mine && (
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setDraft(m.content);
                    setEditing(true);
                    setMenu(undefined);
                  }}
                >
                  Edit
                </button>
              )}
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  setMenu(undefined);
                  store.client.delete(m.channelId, m.id).catch((e) => store.fail(e));
                }}
              >
                Delete
              </button>
              <button type="button" role="menuitem" onClick={() => setMenu('react')}>
                React
              </button>
            </div>
          )}
          {menu === 'react' && (
            <div role="menu" aria-label="Reactions">
              {QUICK_EMOJI.map((emoji) => (
                <button
                  type="button"
                  role="menuitem"
                  key={emoji}
                  aria-label={`React with ${emoji}`}
                  onClick={() => {
                    setMenu(undefined);
                    react(emoji, true);
                  }}
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      {readText && <p class="read">{readText}</p>}
    </article>
  );
}

function Composer({ store, channelId }: { store: ChatStore; channelId: string }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const submit = async () => {
    const content = text.trim();
    if (!content || sending) return;
    setSending(true);
    try {
      await store.send(content);
      setText('');
    } catch (e) {
      store.fail(e);
    } finally {
      setSending(false);
    }
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        aria-label="Message"
        placeholder="Message"
        rows={1}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          store.client.typing(channelId);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <button type="submit" disabled={sending || !text.trim()}>
        Send
      </button>
    </form>
  );
}
