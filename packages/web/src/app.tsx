import { useEffect, useReducer, useState } from 'preact/hooks';
import { Conversation } from './conversation';
import { enablePush, pushSupported, registerServiceWorker } from './push';
import { storedTokens } from './session';
import { Sidebar } from './sidebar';
import { SignIn } from './sign-in';
import { ChatStore } from './store';

const baseUrl = location.origin;

function channelFromHash(): string | undefined {
  const m = /^#\/c\/(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : undefined;
}

export function App() {
  const [signedIn, setSignedIn] = useState(() => storedTokens() !== undefined);
  if (!signedIn) return <SignIn baseUrl={baseUrl} onSignedIn={() => setSignedIn(true)} />;
  return <Chat onSignedOut={() => setSignedIn(false)} />;
}

function Chat({ onSignedOut }: { onSignedOut: () => void }) {
  const [store] = useState(() => new ChatStore(baseUrl, onSignedOut));
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const render = () => bump(undefined);
  const [notify, setNotify] = useState<'off' | 'on' | 'unsupported'>(() =>
    pushSupported() ? 'off' : 'unsupported',
  );

  useEffect(() => {
    const off = store.subscribe(render);
    const follow = () => {
      const id = channelFromHash();
      if (id) store.openChannel(id).catch((e) => store.fail(e));
      else if (store.open) store.closeChannel();
    };
    // Hidden is often the last moment before a reload or a close: move the stored cursor up to now.
    const onVisible = () =>
      document.visibilityState === 'visible'
        ? store.markOpenRead()
        : void store.client.sync().catch(() => undefined);
    const onStorage = (e: StorageEvent) => e.key === 'chat-session' && !e.newValue && onSignedOut();
    window.addEventListener('hashchange', follow);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('storage', onStorage);
    // Friendships and requests made elsewhere are not in the change log: look again now and then.
    const people = setInterval(
      () => store.client.state === 'connected' && store.loadPeople().catch(() => undefined),
      10_000,
    );
    // And now and then, so a tab that stays open keeps its stored cursor near the live one.
    const cursor = setInterval(
      () => store.client.state === 'connected' && store.client.sync().catch(() => undefined),
      60_000,
    );
    store.start().then(follow, (e) => store.fail(e));
    registerServiceWorker().catch(() => undefined);
    if (pushSupported() && Notification.permission === 'granted') setNotify('on');
    return () => {
      off();
      clearInterval(people);
      clearInterval(cursor);
      window.removeEventListener('hashchange', follow);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('storage', onStorage);
      store.stop();
    };
  }, []);

  const me = store.me;
  return (
    <div class={store.open ? 'chat has-open' : 'chat'}>
      <header class="top">
        <p role="status" aria-label={me ? `Signed in as ${me.displayName}` : 'Signing in'}>
          {me ? (
            <>
              Signed in as <strong>{me.displayName}</strong> <span class="hint">@{me.username}</span>
            </>
          ) : (
            'Signing in…'
          )}
        </p>
        {store.connection === 'connecting' && (
          <span class="conn" role="status" aria-label="Reconnecting">
            Reconnecting…
          </span>
        )}
        {notify === 'off' && (
          <button
            type="button"
            class="small secondary"
            onClick={() =>
              enablePush(store).then(
                () => setNotify('on'),
                (e) => store.fail(e),
              )
            }
          >
            Enable notifications
          </button>
        )}
        <button type="button" class="secondary" onClick={() => store.signOut().finally(onSignedOut)}>
          Sign out
        </button>
      </header>
      {store.error && (
        <div role="alert" class="error row">
          <span>{store.error}</span>
          <button type="button" class="small secondary" onClick={() => store.dismissError()}>
            Dismiss
          </button>
        </div>
      )}
      <div class="panes">
        <Sidebar store={store} />
        {store.open ? (
          <Conversation store={store} />
        ) : (
          <section class="conversation empty">
            <p class="hint">Pick a conversation, or start one with New chat.</p>
          </section>
        )}
      </div>
    </div>
  );
}
