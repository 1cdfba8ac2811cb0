// Service worker: shows WebPush notifications from notification-service and opens the conversation on a click.
// Payload (JSON): {"title", "body", "conversationId", "messageId", "url"}; a plain-text payload is shown as the body.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  event.waitUntil(show(event.data));
});

async function show(data) {
  let payload = {};
  if (data) {
    try {
      payload = data.json();
    } catch (e) {
      payload = { body: data.text() };
    }
  }
  const url = payload.url || (payload.conversationId ? `/#/c/${encodeURIComponent(payload.conversationId)}` : '/');
  // Someone looking at the app sees the message live; a notification would only repeat it.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((w) => w.focused && w.visibilityState === 'visible')) {
    return;
  }
  await self.registration.showNotification(payload.title || 'New message', {
    body: payload.body || '',
    tag: payload.conversationId || payload.tag || 'chat',
    renotify: Boolean(payload.conversationId),
    data: { url },
  });
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/', self.location.origin);
  // Only our own origin: a payload cannot send the user elsewhere.
  const target = url.origin === self.location.origin ? url.href : self.location.origin + '/';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) {
      await open.focus();
      return open.navigate(target);
    }
    return self.clients.openWindow(target);
  })());
});
