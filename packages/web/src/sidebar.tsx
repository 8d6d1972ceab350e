import type { PublicUser } from '@chat-server/client';
import { useEffect, useState } from 'preact/hooks';
import type { ChatStore } from './store';

/** The conversation list, friend requests, and the "New chat" / "New group" panels. */
export function Sidebar({ store }: { store: ChatStore }) {
  const [panel, setPanel] = useState<'chat' | 'group'>();
  const openId = store.open?.channelId;
  return (
    <aside class="sidebar">
      <div class="row">
        <button
          type="button"
          aria-expanded={panel === 'chat'}
          onClick={() => setPanel(panel === 'chat' ? undefined : 'chat')}
        >
          New chat
        </button>
        <button
          type="button"
          aria-expanded={panel === 'group'}
          onClick={() => setPanel(panel === 'group' ? undefined : 'group')}
        >
          New group
        </button>
      </div>
      {panel === 'chat' && (
        <PeopleSearch
          store={store}
          onPick={(u) => {
            store.openDm(u);
            setPanel(undefined);
          }}
        />
      )}
      {panel === 'group' && <NewGroup store={store} done={() => setPanel(undefined)} />}
      {store.requests.incoming.length > 0 && (
        <section aria-label="Friend requests" class="requests">
          <h2>Friend requests</h2>
          {store.requests.incoming.map((r) => (
            <div class="row" key={r.id}>
              <span>{store.nameOf(r.fromUserId)}</span>
              <button type="button" onClick={() => store.acceptFriend(r.id).catch((e) => store.fail(e))}>
                Accept {store.nameOf(r.fromUserId)}
              </button>
            </div>
          ))}
        </section>
      )}
      <nav aria-label="Conversations">
        {store.conversations.length === 0 && (
          <p class="hint">No conversations yet: start one with New chat.</p>
        )}
        <ul>
          {store.conversations.map((c) => {
            const label = c.unreadCount > 0 ? `${c.name}, ${c.unreadCount} unread` : c.name;
            const last = c.lastMessage;
            const preview = !last ? 'No messages yet' : last.deletedAt ? 'Message deleted' : last.content;
            return (
              <li key={c.channelId}>
                <a
                  href={`#/c/${encodeURIComponent(c.channelId)}`}
                  aria-label={label}
                  aria-current={c.channelId === openId ? 'page' : undefined}
                  class={c.unreadCount > 0 ? 'unread' : ''}
                >
                  <span class="name">{c.name}</span>
                  <span class="preview">{preview}</span>
                  {c.unreadCount > 0 && (
                    <span class="badge" aria-hidden="true">
                      {c.unreadCount}
                    </span>
                  )}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
    </aside>
  );
}

/** A searchbox "Find people" with results as buttons named by username. */
export function PeopleSearch({
  store,
  onPick,
  pressed,
}: {
  store: ChatStore;
  onPick: (u: PublicUser) => void;
  pressed?: (u: PublicUser) => boolean;
}) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<PublicUser[]>([]);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      store.search(q).then(
        (r) => live && setResults(r),
        (e) => store.fail(e),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q]);
  return (
    <div class="search">
      <input
        type="search"
        aria-label="Find people"
        placeholder="Find people"
        autocapitalize="none"
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
      />
      <ul>
        {results.map((u) => (
          <li key={u.id}>
            <button type="button" aria-pressed={pressed ? pressed(u) : undefined} onClick={() => onPick(u)}>
              {u.username}
            </button>
            <span class="hint"> {u.displayName}</span>
          </li>
        ))}
      </ul>
      {q.trim() && results.length === 0 && (
        <p class="hint">Nobody found with a username starting "{q.trim()}".</p>
      )}
    </div>
  );
}

function NewGroup({ store, done }: { store: ChatStore; done: () => void }) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState<PublicUser[]>([]);
  const toggle = (u: PublicUser) =>
    setMembers((m) => (m.some((x) => x.id === u.id) ? m.filter((x) => x.id !== u.id) : [...m, u]));
  return (
    <form
      class="panel"
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) return store.fail(new Error('Give the group a name.'));
        store.createGroup(name.trim(), members).then(done, (err) => store.fail(err));
      }}
    >
      <label>
        Group name
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={100} />
      </label>
      <PeopleSearch store={store} onPick={toggle} pressed={(u) => members.some((m) => m.id === u.id)} />
      {members.length > 0 && <p class="hint">Members: {members.map((m) => m.username).join(', ')}</p>}
      <button type="submit">Create group</button>
    </form>
  );
}
