// The settings page: WebPush on this device (service worker + VAPID subscription) and notification preferences
// and mutes, against notification-service's REST API (docs/api.md, "Notification service").

import { api, enc } from './api.js';
import { el, clear } from './render.js';
import { toast } from './dialogs.js';

const byId = (id) => document.getElementById(id);

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The page's own service worker (scope `/`); it shows pushes and opens the conversation on a click. */
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) {
    return Promise.resolve(null);
  }
  return navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => null);
}

function base64UrlToBytes(value) {
  const padded = (value + '='.repeat((4 - (value.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function deviceLabel() {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom/.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS/.test(ua) ? 'macOS'
    : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return `${browser}${os ? ` on ${os}` : ''}`;
}

export async function enablePush() {
  if (!pushSupported()) {
    throw new Error('This browser cannot receive push notifications.');
  }
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error('Notifications are blocked for this site in the browser settings.');
  }
  const registration = (await registerServiceWorker()) && (await navigator.serviceWorker.ready);
  if (!registration) {
    throw new Error('The service worker could not be installed.');
  }
  const { publicKey } = await api('GET', '/api/notifications/vapid-public-key');
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, publicKey)) {
    // The server's VAPID key changed: a subscription made for the old key can no longer be used.
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: base64UrlToBytes(publicKey),
    });
  }
  await api('POST', '/api/notifications/subscriptions', { ...subscription.toJSON(), device: deviceLabel() });
}

function sameKey(subscription, publicKey) {
  const key = subscription.options?.applicationServerKey;
  if (!key) {
    return true;
  }
  const expected = base64UrlToBytes(publicKey);
  const actual = new Uint8Array(key);
  return actual.length === expected.length && actual.every((b, i) => b === expected[i]);
}

async function currentSubscription() {
  if (!pushSupported()) {
    return null;
  }
  const registration = await navigator.serviceWorker.getRegistration('/');
  return registration ? registration.pushManager.getSubscription() : null;
}

export async function disablePush() {
  const subscription = await currentSubscription();
  if (subscription) {
    await api('DELETE', `/api/notifications/subscriptions?endpoint=${enc(subscription.endpoint)}`);
    await subscription.unsubscribe();
  }
}

/** Fills the settings page; `conversationName(id)` names muted conversations. */
export async function showSettings(conversationName) {
  await Promise.all([showPush(), showPreferences(), showMutes(conversationName)]);
}

async function showPush() {
  const status = byId('push-status');
  const enable = byId('push-enable');
  const disable = byId('push-disable');
  if (!pushSupported()) {
    status.textContent = 'This browser cannot receive push notifications.';
    enable.hidden = true;
    disable.hidden = true;
    return;
  }
  const subscription = await currentSubscription();
  const permission = Notification.permission;
  status.textContent = subscription ? 'Notifications are on for this device.'
    : permission === 'denied' ? 'Notifications are blocked for this site in the browser settings.'
      : 'Notifications are off for this device.';
  enable.hidden = Boolean(subscription);
  disable.hidden = !subscription;
  const list = clear(byId('subscription-list'));
  try {
    const { items } = await api('GET', '/api/notifications/subscriptions');
    for (const item of items) {
      const mine = subscription && item.endpoint === subscription.endpoint;
      list.append(el('li', {},
        `${item.device || 'Device'}${mine ? ' (this one)' : ''} — since ${new Date(item.createdAt).toLocaleDateString()} `,
        el('button', {
          type: 'button',
          onclick: async () => {
            await api('DELETE', `/api/notifications/subscriptions/${enc(item.id)}`);
            if (mine) {
              await subscription.unsubscribe();
            }
            showPush();
          },
        }, 'Remove')));
    }
  } catch (e) {
    list.append(el('li', { class: 'form-error' }, `Devices could not be loaded: ${e.message}`));
  }
}

async function showPreferences() {
  const form = byId('preferences-form');
  byId('preferences-error').textContent = '';
  byId('preferences-ok').textContent = '';
  try {
    const p = await api('GET', '/api/notifications/preferences');
    form.elements.push.checked = p.push;
    form.elements.email.checked = p.email;
    form.elements.emailDelayMinutes.value = p.emailDelayMinutes;
    form.elements.timeZone.value = p.timeZone;
    form.elements.quietEnabled.checked = Boolean(p.quietHours);
    form.elements.quietStart.value = p.quietHours?.start || '22:00';
    form.elements.quietEnd.value = p.quietHours?.end || '07:00';
    form.elements.roomMessages.checked = p.roomMessages;
  } catch (e) {
    byId('preferences-error').textContent = `Preferences could not be loaded: ${e.message}`;
    if (!form.elements.timeZone.value) {
      // The service's defaults, with this browser's time zone, until it answers.
      form.elements.push.checked = true;
      form.elements.email.checked = true;
      form.elements.emailDelayMinutes.value = 10;
      form.elements.timeZone.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
    }
  }
}

export async function savePreferences() {
  const f = byId('preferences-form').elements;
  byId('preferences-error').textContent = '';
  byId('preferences-ok').textContent = '';
  const body = {
    push: f.push.checked,
    email: f.email.checked,
    emailDelayMinutes: Number(f.emailDelayMinutes.value || 0),
    timeZone: f.timeZone.value.trim() || 'UTC',
    quietHours: f.quietEnabled.checked ? { start: f.quietStart.value, end: f.quietEnd.value } : null,
    roomMessages: f.roomMessages.checked,
  };
  try {
    await api('PUT', '/api/notifications/preferences', body);
    byId('preferences-ok').textContent = 'Saved.';
  } catch (e) {
    byId('preferences-error').textContent = e.describe ? e.describe() : e.message;
  }
}

async function showMutes(conversationName) {
  const list = clear(byId('mute-list'));
  try {
    const { items } = await api('GET', '/api/notifications/preferences/conversations');
    const muted = items.filter((item) => item.mutedUntil || item.mentionsOnly);
    if (muted.length === 0) {
      list.append(el('li', { class: 'empty' }, 'None.'));
    }
    for (const item of muted) {
      list.append(el('li', {},
        `${conversationName(item.conversationId)}: ${describeMute(item)} `,
        el('button', {
          type: 'button',
          onclick: async () => {
            await unmute(item.conversationId);
            showMutes(conversationName);
          },
        }, 'Unmute')));
    }
  } catch (e) {
    list.append(el('li', { class: 'form-error' }, `Mutes could not be loaded: ${e.message}`));
  }
}

export function describeMute(item) {
  const until = item.mutedUntil ? new Date(item.mutedUntil) : null;
  const parts = [];
  if (until && until > new Date()) {
    parts.push(until.getFullYear() > 2090 ? 'muted' : `muted until ${until.toLocaleString()}`);
  }
  if (item.mentionsOnly) {
    parts.push('mentions only');
  }
  return parts.join(', ') || 'not muted';
}

export async function conversationPreference(conversationId) {
  const { items } = await api('GET', '/api/notifications/preferences/conversations');
  return items.find((item) => item.conversationId === conversationId) || null;
}

export function mute(conversationId, mutedUntil, mentionsOnly) {
  return api('PUT', `/api/notifications/preferences/conversations/${enc(conversationId)}`,
    { mutedUntil, mentionsOnly });
}

export async function unmute(conversationId) {
  await api('DELETE', `/api/notifications/preferences/conversations/${enc(conversationId)}`);
  toast('Unmuted.');
}
