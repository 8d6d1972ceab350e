// The web chat's service worker: shows Web Push notifications (the server's payload carries a ready title
// and body, see src/notification/push-payload.ts) and focuses or opens the chat when one is clicked.
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'New message', body: event.data ? event.data.text() : '' };
  }
  const title = data.title || 'New message';
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // A visible tab shows the message itself.
      if (open.some((c) => c.visibilityState === 'visible')) return;
      await self.registration.showNotification(title, {
        body: data.body || '',
        tag: data.channelId || 'chat',
        renotify: true,
        data: { channelId: data.channelId },
      });
      if (self.navigator.setAppBadge && typeof data.badge === 'number')
        await self.navigator.setAppBadge(data.badge);
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url =
    event.notification.data && event.notification.data.channelId
      ? `/#/c/${encodeURIComponent(event.notification.data.channelId)}`
      : '/';
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const tab = open[0];
      if (tab) {
        await tab.focus();
        if ('navigate' in tab) await tab.navigate(url);
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});
