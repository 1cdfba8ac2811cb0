// The chat app: sign-in, the sidebar of conversations, the conversation view and the settings page, on the REST API
// (docs/api.md) and the WebSocket (docs/websocket-protocol.md). Start reading at `boot()` at the end.

import { api, enc, session, ApiError } from './api.js';
import { Connection } from './connection.js';
import { ConversationLog, entryOf } from './conversation-log.js';
import { el, clear, messageText, timeOf } from './render.js';
import { openDialog, field, toast } from './dialogs.js';
import * as settings from './settings.js';

const byId = (id) => document.getElementById(id);

const SEND_TIMEOUT_MS = 15_000;
const TYPING_EVERY_MS = 2_000;
const PAGE_SIZE = 50;

const state = {
  me: null,
  conversations: new Map(), // id -> {conversation, lastMessage, lastReadSeq, unreadCount, activity, latestSeq, readByOthers, deliveredToOthers}
  logs: new Map(), // id -> ConversationLog, for conversations opened in this page
  users: new Map(), // id -> public profile
  usersLoading: new Map(),
  presence: new Map(), // userId -> online
  typing: new Map(), // conversationId -> Map(userId -> timer)
  active: null,
  replyTo: null,
  editing: null,
  lastTypingSent: 0,
  readSent: new Map(), // conversationId -> highest seq sent in a `read`
  resumeTimers: new Map(),
};

const connection = new Connection();

// For diagnosis from the browser's console (and the browser tests): the live connection and the client state.
window.chatClient = { connection, state };

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function uuid() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  // Plain-HTTP origins other than localhost have no randomUUID; the same 122 random bits from getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function isModerator() {
  const roles = state.me?.roles || [];
  return roles.includes('moderator') || roles.includes('admin');
}

function userName(id) {
  if (id === state.me?.id) {
    return state.me.displayName || state.me.username;
  }
  const user = state.users.get(id);
  return user ? user.displayName || user.username : '…';
}

/** Loads unknown profiles (names for senders and DM partners), then re-renders what shows them. */
function ensureUsers(ids) {
  const missing = [...new Set(ids)].filter((id) => id && !state.users.has(id) && !state.usersLoading.has(id)
    && id !== state.me?.id);
  if (missing.length === 0) {
    return Promise.resolve();
  }
  const loads = missing.map((id) => {
    const load = api('GET', `/api/users/${enc(id)}`)
      .then((user) => state.users.set(id, user))
      .catch(() => state.users.set(id, { id, username: 'unknown', displayName: 'Unknown user' }))
      .finally(() => state.usersLoading.delete(id));
    state.usersLoading.set(id, load);
    return load;
  });
  // Their presence too (only users who share a conversation are answered); later changes come as frames.
  loadPresence(missing);
  return Promise.all(loads).then(() => {
    renderSidebar();
    renderConversationHeader();
    renderMessages();
  });
}

function dmPartner(conversation) {
  return (conversation.participants || []).find((id) => id !== state.me.id) || state.me.id;
}

function conversationName(id) {
  const c = state.conversations.get(id)?.conversation;
  if (!c) {
    return 'Conversation';
  }
  return c.kind === 'dm' ? userName(dmPartner(c)) : `# ${c.name}`;
}

function isVisible() {
  return document.visibilityState === 'visible';
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-in

function showAuth(message) {
  byId('loading').hidden = true;
  byId('app-view').hidden = true;
  byId('auth-view').hidden = false;
  byId('login-error').textContent = message || '';
  byId('login-name').focus();
}

function selectAuthTab(which) {
  const login = which === 'login';
  byId('tab-login').setAttribute('aria-selected', String(login));
  byId('tab-register').setAttribute('aria-selected', String(!login));
  byId('login-form').hidden = !login;
  byId('register-form').hidden = login;
  (login ? byId('login-name') : byId('register-username')).focus();
}

async function submitAuth(event, action, errorId) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector('button[type=submit]');
  byId(errorId).textContent = '';
  button.disabled = true;
  try {
    await action(Object.fromEntries(new FormData(form)));
    form.reset();
    await enterApp();
  } catch (e) {
    byId(errorId).textContent = e instanceof ApiError ? e.describe() : e.message;
  } finally {
    button.disabled = false;
  }
}

async function enterApp() {
  state.me = await api('GET', '/api/users/me');
  byId('me').textContent = state.me.displayName || state.me.username;
  byId('loading').hidden = true;
  byId('auth-view').hidden = true;
  byId('app-view').hidden = false;
  connection.start();
  await loadConversations();
  route();
  settings.registerServiceWorker();
}

function signedOut(reason) {
  connection.stop();
  state.me = null;
  state.conversations.clear();
  state.logs.clear();
  state.active = null;
  clear(byId('conversation-list'));
  delete byId('conversation-list').dataset.drawn;
  clear(byId('message-list'));
  const messages = {
    blocked: 'Your account is blocked.',
    expired: 'Your session ended; please sign in again.',
    'signed-out-elsewhere': 'You signed out in another tab.',
  };
  history.replaceState(null, '', '#/');
  showAuth(messages[reason] || '');
}

// ---------------------------------------------------------------------------------------------------------------
// Conversations (sidebar)

async function loadConversations() {
  const items = [];
  let cursor = null;
  do {
    const page = await api('GET', `/api/conversations?limit=200${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  for (const item of items) {
    const known = state.conversations.get(item.conversation.id);
    state.conversations.set(item.conversation.id, {
      ...item,
      activity: item.lastMessage?.createdAt || item.conversation.createdAt || '',
      latestSeq: Math.max(known?.latestSeq || 0, item.lastMessage?.seq || 0),
      readByOthers: known?.readByOthers || 0,
      deliveredToOthers: known?.deliveredToOthers || 0,
      unreadCount: state.active === item.conversation.id && isVisible() ? 0 : item.unreadCount,
    });
  }
  const partners = items.filter((i) => i.conversation.kind === 'dm').map((i) => dmPartner(i.conversation));
  ensureUsers(partners);
  loadPresence(partners);
  renderSidebar();
}

async function loadPresence(userIds) {
  const ids = [...new Set(userIds)].filter((id) => id !== state.me.id).slice(0, 100);
  if (ids.length === 0) {
    return;
  }
  try {
    const { users } = await api('GET', `/api/presence?users=${ids.map(enc).join(',')}`);
    for (const user of users) {
      state.presence.set(user.userId, user.online);
    }
    renderSidebar();
    renderConversationHeader();
  } catch (e) {
    // Presence is decoration: without it the dots stay grey.
  }
}

function presenceDot(userId) {
  const online = state.presence.get(userId) === true;
  return el('span', {
    class: `presence ${online ? 'online' : 'offline'}`,
    role: 'img',
    'aria-label': online ? 'online' : 'offline',
    title: online ? 'online' : 'offline',
  });
}

function snippet(message) {
  if (!message) {
    return 'No messages yet';
  }
  if (message.deleted) {
    return 'Message deleted';
  }
  if (message.moderationState === 'hidden') {
    return 'Message hidden';
  }
  const who = message.senderId === state.me.id ? 'You: ' : '';
  return `${who}${message.text}`.slice(0, 80);
}

function renderSidebar() {
  if (!state.me) {
    return;
  }
  const list = byId('conversation-list');
  const items = [...state.conversations.values()]
    .sort((a, b) => (b.activity || '').localeCompare(a.activity || '') || a.conversation.id.localeCompare(b.conversation.id));
  // Drawn only when what it shows changed (not on every typing or receipt frame), so a click is never lost to a
  // re-draw; a keyboard user's focus stays on the conversation it was on.
  const drawn = JSON.stringify([state.active, items.map((i) => [i.conversation.id, i.unreadCount,
    conversationName(i.conversation.id), snippet(i.lastMessage),
    i.conversation.kind === 'dm' ? state.presence.get(dmPartner(i.conversation)) === true : null])]);
  if (drawn === list.dataset.drawn) {
    return;
  }
  list.dataset.drawn = drawn;
  const focused = document.activeElement?.closest?.('#conversation-list li')?.dataset.conversationId;
  clear(list);
  byId('no-conversations').hidden = items.length > 0;
  let unreadTotal = 0;
  for (const item of items) {
    const c = item.conversation;
    unreadTotal += item.unreadCount;
    const active = c.id === state.active;
    list.append(el('li', { dataset: { conversationId: c.id } },
      el('a', {
        href: `#/c/${enc(c.id)}`,
        class: `conversation-item${active ? ' active' : ''}${item.unreadCount ? ' unread' : ''}`,
        'aria-current': active ? 'page' : null,
      },
      c.kind === 'dm' ? presenceDot(dmPartner(c)) : el('span', { class: 'room-mark', 'aria-hidden': 'true' }, '#'),
      el('span', { class: 'conversation-text' },
        el('span', { class: 'conversation-name' }, c.kind === 'dm' ? userName(dmPartner(c)) : c.name),
        el('span', { class: 'conversation-snippet' }, snippet(item.lastMessage))),
      item.unreadCount
        ? el('span', { class: 'badge', 'aria-label': `${item.unreadCount} unread` }, String(item.unreadCount))
        : null)));
  }
  if (focused) {
    list.querySelector(`li[data-conversation-id="${CSS.escape(focused)}"] a`)?.focus();
  }
  document.title = unreadTotal ? `(${unreadTotal}) Chat platform` : 'Chat platform';
}

// ---------------------------------------------------------------------------------------------------------------
// Routing: #/c/{id} a conversation, #/settings the settings page, anything else the sidebar alone (on phones).

function route() {
  if (!state.me) {
    return;
  }
  const hash = location.hash;
  const app = byId('app-view');
  if (hash.startsWith('#/c/')) {
    openConversation(decodeURIComponent(hash.slice(4)));
    app.classList.add('show-main');
  } else if (hash === '#/settings') {
    closeConversation();
    byId('settings-view').hidden = false;
    app.classList.add('show-main');
    settings.showSettings(conversationName);
    byId('settings-title').focus?.();
  } else {
    closeConversation();
    app.classList.remove('show-main');
  }
}

function closeConversation() {
  state.active = null;
  byId('conversation-view').hidden = true;
  byId('settings-view').hidden = true;
  renderSidebar();
}

// ---------------------------------------------------------------------------------------------------------------
// The conversation view

async function openConversation(id) {
  byId('settings-view').hidden = true;
  if (state.active !== id) {
    state.active = id;
    state.replyTo = null;
    state.editing = null;
    renderComposerContext();
    byId('composer-text').value = '';
  }
  if (!state.conversations.has(id)) {
    await loadConversations().catch(() => {});
    if (!state.conversations.has(id)) {
      toast('That conversation is not available.');
      location.hash = '#/';
      return;
    }
  }
  byId('conversation-view').hidden = false;
  renderSidebar();
  renderConversationHeader();
  renderTyping();
  let log = state.logs.get(id);
  if (!log) {
    log = new ConversationLog(id);
    state.logs.set(id, log);
    renderMessages({ toBottom: true });
    try {
      byId('history-status').textContent = 'Loading…';
      const page = await api('GET', `/api/conversations/${enc(id)}/messages?limit=${PAGE_SIZE}`);
      log.applyPage(page, { newest: true });
      ensureUsers(page.messages.map((m) => m.senderId));
      // Anything live that arrived above a gap while loading: ask for it.
      if (log.hasGap) {
        requestResume(id);
      }
    } catch (e) {
      state.logs.delete(id);
      byId('history-status').textContent = `History could not be loaded: ${e.message}`;
      return;
    }
  }
  renderMessages({ toBottom: true });
  markRead();
  if (window.matchMedia('(min-width: 700px)').matches) {
    byId('composer-text').focus();
  }
}

function renderConversationHeader() {
  const item = state.conversations.get(state.active);
  if (!item) {
    return;
  }
  const c = item.conversation;
  byId('conversation-title').textContent = conversationName(c.id);
  byId('conversation-topic').textContent = c.kind === 'room' ? c.topic || '' : '';
  const dot = byId('conversation-presence');
  if (c.kind === 'dm') {
    const online = state.presence.get(dmPartner(c)) === true;
    dot.hidden = false;
    dot.className = `presence ${online ? 'online' : 'offline'}`;
    dot.setAttribute('role', 'img');
    dot.setAttribute('aria-label', online ? 'online' : 'offline');
    dot.title = online ? 'online' : 'offline';
  } else {
    dot.hidden = true;
  }
}

let renderQueued = null;

/** Re-renders the open conversation's messages (batched per frame), keeping the reader's scroll position. */
function renderMessages(options = {}) {
  if (renderQueued) {
    renderQueued.toBottom ||= options.toBottom;
    renderQueued.keepBottomDistance ||= options.keepBottomDistance;
    return;
  }
  renderQueued = { ...options };
  requestAnimationFrame(() => {
    const opts = renderQueued;
    renderQueued = null;
    drawMessages(opts);
  });
}

function drawMessages({ toBottom, keepBottomDistance }) {
  const list = byId('message-list');
  const scroller = byId('message-scroller');
  const log = state.logs.get(state.active);
  if (!log) {
    clear(list);
    return;
  }
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  const focusedKey = document.activeElement?.closest?.('.message')?.dataset.key;
  const focusedAction = document.activeElement?.dataset?.action;
  const item = state.conversations.get(state.active);
  patchList(list, log.ordered().map((message) => [message, signature(message, log, item)]),
    (message) => messageNode(message, log, item));
  byId('history-status').textContent = !log.loaded ? 'Loading…'
    : log.hasMore ? 'Scroll up for earlier messages' : 'This is the beginning of the conversation.';
  if (toBottom || atBottom) {
    scroller.scrollTop = scroller.scrollHeight;
  } else if (keepBottomDistance) {
    scroller.scrollTop = scroller.scrollHeight - fromBottom;
  }
  if (focusedKey && focusedAction) {
    list.querySelector(`.message[data-key="${CSS.escape(focusedKey)}"] [data-action="${focusedAction}"]`)?.focus();
  }
}

/** What a message's node shows: an unchanged node is kept as it is (with the reader's text selection in it). */
function signature(message, log, item) {
  const target = message.replyTo ? log.messages.get(message.replyTo) : null;
  return JSON.stringify([message.messageId, message.clientMsgId, message.seq, message.text, message.editedAt,
    message.deleted, message.moderationState, message.state, message.error, userName(message.senderId),
    state.presence.get(message.senderId) === true, target?.text, target?.deleted,
    message.senderId === state.me.id && message.seq ? [item?.readByOthers >= message.seq,
      item?.deliveredToOthers >= message.seq] : null, timeOf(message.createdAt)]);
}

/** Makes `list` show the given [message, signature] pairs in order, touching only nodes that changed or moved. */
function patchList(list, entries, build) {
  const existing = new Map([...list.children].map((node) => [node.dataset.key, node]));
  let cursor = list.firstElementChild;
  for (const [message, sig] of entries) {
    const key = message.messageId || `c:${message.clientMsgId}`;
    const pendingKey = `c:${message.clientMsgId}`;
    let node = existing.get(key) || existing.get(pendingKey);
    if (!node || node.dataset.sig !== sig) {
      const fresh = build(message);
      fresh.dataset.sig = sig;
      if (node) {
        node.replaceWith(fresh);
        if (cursor === node) {
          cursor = fresh;
        }
      }
      node = fresh;
    }
    existing.delete(key);
    existing.delete(pendingKey);
    if (node !== cursor) {
      list.insertBefore(node, cursor);
    } else {
      cursor = cursor.nextElementSibling;
    }
  }
  for (const stale of existing.values()) {
    stale.remove();
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    if (!cursor.isConnected || cursor.parentNode !== list) {
      break;
    }
    cursor.remove();
    cursor = next;
  }
}

function messageNode(message, log, item) {
  const own = message.senderId === state.me.id;
  const hidden = message.moderationState === 'hidden';
  const key = message.messageId || `c:${message.clientMsgId}`;
  const classes = ['message', own ? 'own' : 'theirs', message.state || 'sent'];
  if (message.deleted) classes.push('deleted');
  if (hidden) classes.push('hidden-message');
  if (message.moderationState === 'held') classes.push('held');
  let body;
  if (message.deleted) {
    body = el('p', { class: 'text tombstone' }, 'This message was deleted.');
  } else if (hidden) {
    body = el('p', { class: 'text tombstone' },
      isModerator() ? 'Hidden by moderation (moderator view).' : 'This message was hidden by a moderator.');
  } else {
    body = el('p', { class: 'text' }, messageText(message.text || '', state.me.username));
  }
  return el('li', { class: classes.join(' '), dataset: { key, seq: message.seq ?? '' } },
    el('div', { class: 'meta' },
      presenceDot(message.senderId),
      el('span', { class: 'sender' }, userName(message.senderId)),
      el('time', { datetime: message.createdAt }, timeOf(message.createdAt)),
      message.editedAt && !message.deleted && !hidden ? el('span', { class: 'edited' }, '(edited)') : null),
    replyQuote(message, log),
    body,
    own ? statusNode(message, item) : null,
    actionsNode(message, own));
}

function replyQuote(message, log) {
  if (!message.replyTo) {
    return null;
  }
  const target = log.messages.get(message.replyTo);
  const text = !target ? 'an earlier message'
    : target.deleted ? 'a deleted message'
      : `${userName(target.senderId)}: ${(target.text || '').slice(0, 100)}`;
  return el('blockquote', { class: 'reply-quote' }, `↪ ${text}`);
}

function statusNode(message, item) {
  if (message.state === 'pending') {
    return el('span', { class: 'status status-pending' }, 'Sending…');
  }
  if (message.state === 'failed') {
    return el('span', { class: 'status status-failed' }, `Not sent${message.error ? `: ${message.error}` : ''} `,
      el('button', { type: 'button', class: 'link', dataset: { action: 'retry' },
        onclick: () => retrySend(message) }, 'Retry'));
  }
  if (message.deleted) {
    return null;
  }
  if (message.moderationState === 'held') {
    return el('span', { class: 'status status-held' }, 'Awaiting moderation');
  }
  if (item && item.readByOthers >= message.seq) {
    return el('span', { class: 'status status-read', title: 'Read', 'aria-label': 'Read' }, '✓✓ Read');
  }
  if (item && item.deliveredToOthers >= message.seq) {
    return el('span', { class: 'status status-delivered', title: 'Delivered', 'aria-label': 'Delivered' }, '✓✓');
  }
  return el('span', { class: 'status status-sent', title: 'Sent', 'aria-label': 'Sent' }, '✓');
}

function actionsNode(message, own) {
  if (!message.messageId || message.deleted) {
    return null;
  }
  const hidden = message.moderationState === 'hidden';
  const button = (action, label, handler) => el('button', {
    type: 'button', class: 'link', dataset: { action }, onclick: () => handler(message),
  }, label);
  return el('div', { class: 'actions' },
    hidden ? null : button('reply', 'Reply', startReply),
    own && !hidden ? button('edit', 'Edit', startEdit) : null,
    own || isModerator() ? button('delete', 'Delete', deleteMessage) : null,
    !own && !hidden ? button('report', 'Report', reportMessage) : null,
    isModerator() && !hidden ? button('hide', 'Hide', hideMessage) : null,
    isModerator() && !own ? button('block', 'Block sender', blockSender) : null);
}

// Infinite scroll upward: near the top, the page before the oldest entry held.
async function loadOlder() {
  const id = state.active;
  const log = state.logs.get(id);
  if (!log || !log.loaded || !log.hasMore || log.loadingOlder) {
    return;
  }
  log.loadingOlder = true;
  byId('history-status').textContent = 'Loading earlier messages…';
  try {
    const page = await api('GET', `/api/conversations/${enc(id)}/messages?before=${log.oldestSeq}&limit=${PAGE_SIZE}`);
    log.applyPage(page, { newest: false });
    log.hasMore = page.hasMore;
    ensureUsers(page.messages.map((m) => m.senderId));
    if (state.active === id) {
      renderMessages({ keepBottomDistance: true });
    }
  } catch (e) {
    byId('history-status').textContent = `Earlier messages could not be loaded: ${e.message}`;
  } finally {
    log.loadingOlder = false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sending, editing, deleting

function submitComposer(event) {
  event?.preventDefault();
  const input = byId('composer-text');
  const text = input.value.trim();
  if (!text || !state.active) {
    return;
  }
  if (state.editing) {
    saveEdit(state.editing, text);
  } else {
    sendNew(text);
  }
  input.value = '';
  autosize();
  closeMentions();
}

function sendNew(text) {
  const log = state.logs.get(state.active);
  if (!log) {
    return;
  }
  const message = {
    clientMsgId: uuid(),
    conversationId: state.active,
    senderId: state.me.id,
    text,
    replyTo: state.replyTo?.messageId || null,
    createdAt: new Date().toISOString(),
    state: 'pending',
  };
  log.pending.set(message.clientMsgId, message);
  state.replyTo = null;
  renderComposerContext();
  transmit(message);
  renderMessages({ toBottom: true });
}

/** Sends now if online; otherwise the message waits (shown as pending) and goes out after the next `ready`. */
function transmit(message) {
  clearTimeout(message.timer);
  const sent = connection.send({
    type: 'send',
    conversationId: message.conversationId,
    clientMsgId: message.clientMsgId,
    text: message.text,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
  });
  if (sent) {
    message.timer = setTimeout(() => failSend(message, 'no answer'), SEND_TIMEOUT_MS);
  }
}

function failSend(message, reason) {
  if (message.state !== 'pending') {
    return;
  }
  message.state = 'failed';
  message.error = reason;
  renderIfActive(message.conversationId);
}

// The same clientMsgId again: if the first attempt was stored after all, the server answers with that message.
function retrySend(message) {
  message.state = 'pending';
  message.error = null;
  transmit(message);
  renderIfActive(message.conversationId);
}

function flushPending() {
  for (const log of state.logs.values()) {
    for (const message of log.pending.values()) {
      if (message.state === 'pending') {
        transmit(message);
      }
    }
  }
}

function startReply(message) {
  state.editing = null;
  state.replyTo = message;
  renderComposerContext();
  byId('composer-text').focus();
}

function startEdit(message) {
  state.replyTo = null;
  state.editing = message;
  const input = byId('composer-text');
  input.value = message.text;
  renderComposerContext();
  autosize();
  input.focus();
}

function saveEdit(message, text) {
  state.editing = null;
  renderComposerContext();
  if (text === message.text) {
    return;
  }
  const sent = connection.send({ type: 'edit', conversationId: message.conversationId || state.active,
    messageId: message.messageId, text });
  if (!sent) {
    toast('Offline: the edit was not sent.');
    return;
  }
  // Shown at once; the server's message.edited (or a resume) confirms it.
  message.text = text;
  message.editedAt = new Date().toISOString();
  renderMessages();
}

function deleteMessage(message) {
  openDialog({
    title: 'Delete message?',
    body: [el('p', {}, 'It will be replaced by “This message was deleted.” for everyone.')],
    submitLabel: 'Delete',
    onSubmit: async () => {
      const sent = connection.send({ type: 'delete', conversationId: message.conversationId || state.active,
        messageId: message.messageId });
      if (!sent) {
        throw new Error('Offline: try again when connected.');
      }
    },
  });
}

function renderComposerContext() {
  const box = byId('composer-context');
  const text = byId('composer-context-text');
  if (state.editing) {
    box.hidden = false;
    text.textContent = 'Editing your message (Escape cancels)';
  } else if (state.replyTo) {
    box.hidden = false;
    text.textContent = `Replying to ${userName(state.replyTo.senderId)}: ${(state.replyTo.text || '').slice(0, 80)}`;
  } else {
    box.hidden = true;
  }
}

function cancelComposerContext() {
  if (state.editing) {
    byId('composer-text').value = '';
  }
  state.editing = null;
  state.replyTo = null;
  renderComposerContext();
  byId('composer-text').focus();
}

function autosize() {
  const input = byId('composer-text');
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  input.classList.toggle('scrolling', input.scrollHeight > 160);
}

// ---------------------------------------------------------------------------------------------------------------
// Report and moderation (moderation-service's REST API)

function reportMessage(message) {
  const reason = el('textarea', { name: 'reason', maxlength: '500', rows: '3', required: true });
  openDialog({
    title: 'Report message',
    body: [el('p', {}, 'Moderators will review it.'), field('Why are you reporting it?', reason)],
    submitLabel: 'Report',
    onSubmit: async () => {
      await api('POST', '/api/reports', { conversationId: message.conversationId || state.active,
        messageId: message.messageId, reason: reason.value.trim() });
      toast('Thank you: the message was reported.');
    },
  });
}

function hideMessage(message) {
  const reason = el('input', { name: 'reason', maxlength: '500', required: true });
  openDialog({
    title: 'Hide message for everyone',
    body: [field('Reason (kept in the audit log)', reason)],
    submitLabel: 'Hide',
    onSubmit: async () => {
      await api('POST', '/api/moderation/messages/hide', { conversationId: message.conversationId || state.active,
        messageId: message.messageId, reason: reason.value.trim() });
      toast('Message hidden.');
    },
  });
}

function blockSender(message) {
  const reason = el('input', { name: 'reason', maxlength: '500', required: true });
  const duration = el('select', { name: 'duration' },
    el('option', { value: '3600' }, '1 hour'),
    el('option', { value: '86400' }, '1 day'),
    el('option', { value: '604800' }, '1 week'),
    el('option', { value: '' }, 'Permanently'));
  openDialog({
    title: `Block ${userName(message.senderId)}`,
    body: [field('Reason', reason), field('For', duration)],
    submitLabel: 'Block',
    onSubmit: async () => {
      await api('POST', '/api/moderation/blocks', { userId: message.senderId, reason: reason.value.trim(),
        durationSeconds: duration.value ? Number(duration.value) : null });
      toast(`${userName(message.senderId)} is blocked.`);
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Rooms and DMs

function newRoom() {
  const name = el('input', { name: 'name', required: true, maxlength: '100' });
  const topic = el('input', { name: 'topic', maxlength: '300' });
  const visibility = el('select', { name: 'visibility' },
    el('option', { value: 'public' }, 'Public: anyone can find and join it'),
    el('option', { value: 'private' }, 'Private: members are added by its owner'));
  openDialog({
    title: 'New room',
    body: [field('Name', name), field('Topic (optional)', topic), field('Who can join', visibility)],
    submitLabel: 'Create',
    onSubmit: async () => {
      const room = await api('POST', '/api/rooms', { name: name.value.trim(), topic: topic.value.trim(),
        visibility: visibility.value });
      await loadConversations();
      location.hash = `#/c/${enc(room.id)}`;
    },
  });
}

function browseRooms() {
  const search = el('input', { type: 'search', name: 'prefix', placeholder: 'Room name starts with…' });
  const results = el('ul', { class: 'result-list', 'aria-live': 'polite' });
  const latest = latestOnly();
  const show = async () => {
    try {
      const { items } = await latest(api('GET', `/api/rooms/public?limit=50&prefix=${enc(search.value.trim())}`));
      clear(results);
      if (items.length === 0) {
        results.append(el('li', { class: 'empty' }, 'No public rooms found.'));
      }
      for (const room of items) {
        const member = state.conversations.has(room.id);
        results.append(el('li', {},
          el('span', { class: 'result-name' }, `# ${room.name}`),
          room.topic ? el('span', { class: 'topic' }, room.topic) : null,
          el('button', {
            type: 'button',
            onclick: async () => {
              if (!member) {
                await api('POST', `/api/rooms/${enc(room.id)}/join`);
                await loadConversations();
              }
              byId('dialog').close();
              location.hash = `#/c/${enc(room.id)}`;
            },
          }, member ? 'Open' : 'Join')));
      }
    } catch (e) {
      clear(results).append(el('li', { class: 'form-error' }, e.message));
    }
  };
  search.addEventListener('input', debounce(show, 200));
  openDialog({ title: 'Public rooms', body: [field('Search', search), results] });
  show();
}

function newDirectMessage() {
  const search = el('input', { type: 'search', name: 'query', placeholder: 'Name or username' });
  const results = el('ul', { class: 'result-list', 'aria-live': 'polite' });
  const latest = latestOnly();
  const show = async () => {
    const query = search.value.trim();
    clear(results);
    if (!query) {
      return;
    }
    try {
      const { users } = await latest(api('GET', `/api/users?limit=20&query=${enc(query)}`));
      clear(results);
      const others = users.filter((u) => u.id !== state.me.id);
      if (others.length === 0) {
        results.append(el('li', { class: 'empty' }, 'Nobody found.'));
      }
      for (const user of others) {
        state.users.set(user.id, user);
        results.append(el('li', {},
          el('button', {
            type: 'button',
            class: 'result-button',
            dataset: { username: user.username },
            onclick: async () => {
              const dm = await api('POST', `/api/dm/${enc(user.id)}`);
              await loadConversations();
              byId('dialog').close();
              location.hash = `#/c/${enc(dm.id)}`;
            },
          }, `${user.displayName || user.username} (@${user.username})`)));
      }
    } catch (e) {
      results.append(el('li', { class: 'form-error' }, e.message));
    }
  };
  search.addEventListener('input', debounce(show, 200));
  openDialog({ title: 'New message', body: [field('Find people', search), results] });
}

async function muteConversation() {
  const id = state.active;
  let current = null;
  try {
    current = await settings.conversationPreference(id);
  } catch (e) {
    toast(`Notification settings are unavailable: ${e.message}`);
    return;
  }
  const duration = el('select', { name: 'duration' },
    el('option', { value: '' }, 'Not muted'),
    el('option', { value: '3600' }, 'For 1 hour'),
    el('option', { value: '28800' }, 'For 8 hours'),
    el('option', { value: '604800' }, 'For a week'),
    el('option', { value: 'forever' }, 'Until I unmute'));
  const mentionsOnly = el('input', { type: 'checkbox', name: 'mentionsOnly' });
  mentionsOnly.checked = Boolean(current?.mentionsOnly);
  openDialog({
    title: `Notifications for ${conversationName(id)}`,
    body: [
      current ? el('p', {}, `Now: ${settings.describeMute(current)}.`) : null,
      field('Mute', duration),
      el('label', { class: 'check' }, mentionsOnly, ' Only notify me when I am mentioned'),
    ].filter(Boolean),
    submitLabel: 'Save',
    onSubmit: async () => {
      const value = duration.value;
      if (!value && !mentionsOnly.checked) {
        await settings.unmute(id);
        return;
      }
      // "Until I unmute" is a far-future instant: the contract's mutedUntil is always an instant or null.
      const until = !value ? null
        : value === 'forever' ? '2099-12-31T00:00:00Z'
          : new Date(Date.now() + Number(value) * 1000).toISOString();
      await settings.mute(id, until, mentionsOnly.checked);
      toast('Saved.');
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Mentions autocomplete

const mentions = { items: [], index: 0, token: null };

function mentionToken() {
  const input = byId('composer-text');
  const before = input.value.slice(0, input.selectionStart);
  const match = /(^|\s)@([A-Za-z0-9_.-]{1,32})$/.exec(before);
  return match ? { query: match[2], start: before.length - match[2].length - 1, end: input.selectionStart } : null;
}

const updateMentions = debounce(async () => {
  const token = mentionToken();
  if (!token) {
    closeMentions();
    return;
  }
  try {
    const { users } = await api('GET', `/api/users?limit=6&query=${enc(token.query)}`);
    if (mentionToken()?.query !== token.query) {
      return;
    }
    mentions.items = users.filter((u) => u.id !== state.me.id);
    mentions.index = 0;
    mentions.token = token;
    renderMentions();
  } catch (e) {
    closeMentions();
  }
}, 150);

function renderMentions() {
  const list = clear(byId('mention-list'));
  const input = byId('composer-text');
  if (mentions.items.length === 0) {
    closeMentions();
    return;
  }
  mentions.items.forEach((user, i) => {
    list.append(el('li', {
      role: 'option',
      id: `mention-${i}`,
      'aria-selected': String(i === mentions.index),
      class: i === mentions.index ? 'selected' : '',
      onmousedown: (event) => {
        event.preventDefault();
        chooseMention(i);
      },
    }, `@${user.username}`, user.displayName ? el('span', { class: 'topic' }, ` ${user.displayName}`) : null));
  });
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  input.setAttribute('aria-activedescendant', `mention-${mentions.index}`);
}

function chooseMention(i) {
  const user = mentions.items[i];
  const token = mentionToken() || mentions.token;
  if (!user || !token) {
    return;
  }
  const input = byId('composer-text');
  input.value = `${input.value.slice(0, token.start)}@${user.username} ${input.value.slice(token.end)}`;
  const caret = token.start + user.username.length + 2;
  input.setSelectionRange(caret, caret);
  closeMentions();
}

function closeMentions() {
  mentions.items = [];
  mentions.token = null;
  byId('mention-list').hidden = true;
  byId('composer-text').setAttribute('aria-expanded', 'false');
  byId('composer-text').removeAttribute('aria-activedescendant');
}

function composerKeydown(event) {
  const open = !byId('mention-list').hidden;
  if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    event.preventDefault();
    const n = mentions.items.length;
    mentions.index = (mentions.index + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
    renderMentions();
  } else if (open && (event.key === 'Enter' || event.key === 'Tab')) {
    event.preventDefault();
    chooseMention(mentions.index);
  } else if (event.key === 'Escape') {
    if (open) {
      closeMentions();
    } else {
      cancelComposerContext();
    }
  } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitComposer();
  } else if (event.key === 'ArrowUp' && !byId('composer-text').value) {
    // Up in an empty box edits the own last message, as in most chat apps.
    const log = state.logs.get(state.active);
    const last = log?.ordered().filter((m) => m.senderId === state.me.id && m.messageId && !m.deleted).pop();
    if (last) {
      event.preventDefault();
      startEdit(last);
    }
  }
}

function composerInput() {
  autosize();
  updateMentions();
  const now = Date.now();
  if (byId('composer-text').value.trim() && now - state.lastTypingSent > TYPING_EVERY_MS && !state.editing) {
    if (connection.send({ type: 'typing', conversationId: state.active })) {
      state.lastTypingSent = now;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Live events

function onReady() {
  state.presence.set(state.me.id, true);
  // Resume every conversation held in this page from the last seq it holds without a gap: the server sends exactly
  // what was missed, once, then the live stream; the sidebar's counts come fresh from REST.
  const conversations = {};
  for (const [id, log] of state.logs) {
    if (log.loaded) {
      conversations[id] = log.contiguous;
    }
  }
  if (Object.keys(conversations).length) {
    connection.send({ type: 'resume', conversations });
  }
  flushPending();
  loadConversations().catch(() => {});
}

function onFrame(frame) {
  switch (frame.type) {
    case 'message':
    case 'message.edited':
    case 'message.deleted':
    case 'message.hidden':
      applyLive(frame);
      break;
    case 'ack':
      onAck(frame);
      break;
    case 'error':
      onError(frame);
      break;
    case 'receipt':
      onReceipt(frame);
      break;
    case 'typing':
      onTyping(frame);
      break;
    case 'presence':
      state.presence.set(frame.userId, frame.online);
      renderSidebar();
      renderConversationHeader();
      renderMessages();
      break;
    case 'resume.limited':
      catchUpOverRest(frame.conversationId);
      break;
    case 'warned':
      onWarned(frame);
      break;
    default:
      break;
  }
}

/** Moderation hid one of our messages and warns us: a notice naming the rule and the conversation (text only). */
function onWarned(frame) {
  const where = frame.conversationId ? ` in ${conversationName(frame.conversationId)}` : '';
  const rule = frame.rule ? ` (rule: ${frame.rule})` : '';
  toast(`Warning from the moderators${where}: ${frame.reason || 'your message was hidden.'}${rule}`);
}

function applyLive(frame) {
  const id = frame.conversationId;
  const entry = entryOf(frame);
  const item = state.conversations.get(id);
  if (!item) {
    // A conversation this page does not know yet (a new DM, a room someone added us to): the sidebar reload
    // brings it with its unread count; the message is confirmed as delivered once it is known.
    loadConversations().then(() => {
      if (state.conversations.has(id) && entry.kind === 'message' && entry.senderId !== state.me.id) {
        connection.send({ type: 'delivered', conversationId: id, seq: entry.seq });
      }
    }).catch(() => {});
    return;
  }
  const log = state.logs.get(id);
  const isNew = log ? log.apply(entry) : entry.seq > item.latestSeq;
  item.latestSeq = Math.max(item.latestSeq, entry.seq);
  if (entry.kind === 'message') {
    const message = log?.messages.get(entry.messageId) || entry;
    if (isNew || !item.lastMessage || item.lastMessage.seq <= message.seq) {
      item.lastMessage = message;
      item.activity = message.createdAt;
    }
    if (isNew && message.senderId !== state.me.id) {
      stopTyping(id, message.senderId);
      connection.send({ type: 'delivered', conversationId: id, seq: message.seq });
      if (!(state.active === id && isVisible())) {
        item.unreadCount += 1;
      }
    }
    ensureUsers([message.senderId]);
  } else if (item.lastMessage && item.lastMessage.messageId === entry.targetMessageId && log) {
    item.lastMessage = log.messages.get(entry.targetMessageId) || item.lastMessage;
  }
  if (log?.hasGap) {
    requestResume(id);
  }
  renderSidebar();
  if (state.active === id) {
    renderMessages();
    markRead();
  }
}

/** A gap in seq: resume from the last seq held without one (debounced, as the missing entry may still come). */
function requestResume(id) {
  if (state.resumeTimers.has(id)) {
    return;
  }
  state.resumeTimers.set(id, setTimeout(() => {
    state.resumeTimers.delete(id);
    const log = state.logs.get(id);
    if (log?.hasGap) {
      connection.send({ type: 'resume', conversations: { [id]: log.contiguous } });
    }
  }, 500));
}

/** Too much was missed for a resume: page the log over REST from the last seq held. */
async function catchUpOverRest(id) {
  const log = state.logs.get(id);
  if (!log) {
    return;
  }
  let more = true;
  while (more) {
    const page = await api('GET', `/api/conversations/${enc(id)}/messages?after=${log.contiguous}&limit=200`);
    page.messages.forEach((entry) => log.apply(entry));
    more = page.hasMore && page.messages.length > 0;
    ensureUsers(page.messages.map((m) => m.senderId));
  }
  renderIfActive(id);
}

function onAck(frame) {
  const log = state.logs.get(frame.conversationId);
  if (frame.of === 'delete') {
    log?.applyChange({ kind: 'delete', seq: Number.MAX_SAFE_INTEGER - 1, targetMessageId: frame.messageId });
    renderIfActive(frame.conversationId);
    return;
  }
  if (frame.of || !log) {
    return;
  }
  const pending = log.pending.get(frame.clientMsgId);
  if (pending) {
    clearTimeout(pending.timer);
    log.apply({ ...pending, kind: 'message', messageId: frame.messageId, seq: frame.seq,
      moderationState: frame.moderationState });
    const item = state.conversations.get(frame.conversationId);
    if (item) {
      item.lastMessage = log.messages.get(frame.messageId);
      item.activity = item.lastMessage.createdAt;
      item.latestSeq = Math.max(item.latestSeq, frame.seq);
      renderSidebar();
    }
    if (log.hasGap) {
      requestResume(frame.conversationId);
    }
  }
  renderIfActive(frame.conversationId);
}

function onError(frame) {
  if (frame.clientMsgId) {
    for (const log of state.logs.values()) {
      const pending = log.pending.get(frame.clientMsgId);
      if (pending) {
        clearTimeout(pending.timer);
        failSend(pending, frame.message || frame.code);
      }
    }
    return;
  }
  if (frame.code !== 'invalid' || frame.conversationId) {
    toast(frame.message || `Error: ${frame.code}`);
  }
}

function onReceipt(frame) {
  const item = state.conversations.get(frame.conversationId);
  if (!item || frame.userId === state.me.id) {
    return;
  }
  if (frame.kind === 'read') {
    item.readByOthers = Math.max(item.readByOthers, frame.upToSeq);
  }
  item.deliveredToOthers = Math.max(item.deliveredToOthers, frame.upToSeq);
  renderIfActive(frame.conversationId);
}

function onTyping(frame) {
  if (frame.userId === state.me.id) {
    return;
  }
  const typists = state.typing.get(frame.conversationId) || new Map();
  state.typing.set(frame.conversationId, typists);
  clearTimeout(typists.get(frame.userId));
  typists.set(frame.userId, setTimeout(() => stopTyping(frame.conversationId, frame.userId), frame.expiresInMs || 5000));
  ensureUsers([frame.userId]);
  renderTyping();
}

function stopTyping(conversationId, userId) {
  const typists = state.typing.get(conversationId);
  if (typists?.has(userId)) {
    clearTimeout(typists.get(userId));
    typists.delete(userId);
    renderTyping();
  }
}

function renderTyping() {
  const typists = [...(state.typing.get(state.active)?.keys() || [])].map(userName);
  byId('typing-indicator').textContent = typists.length === 0 ? ''
    : typists.length === 1 ? `${typists[0]} is typing…` : `${typists.join(', ')} are typing…`;
}

/** Marks the open conversation read up to its newest entry when the reader can see the bottom of it. */
function markRead() {
  const id = state.active;
  const log = state.logs.get(id);
  const item = state.conversations.get(id);
  if (!log || !log.loaded || !item || !isVisible() || byId('conversation-view').hidden) {
    return;
  }
  const scroller = byId('message-scroller');
  if (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > 80) {
    return;
  }
  const seq = log.latestSeq;
  item.unreadCount = 0;
  renderSidebar();
  if (seq > 0 && seq > (state.readSent.get(id) || 0) && connection.send({ type: 'read', conversationId: id, seq })) {
    state.readSent.set(id, seq);
  }
}

function renderIfActive(id) {
  if (state.active === id) {
    renderMessages();
  }
}

function renderConnection() {
  const node = byId('connection-state');
  const s = connection.state;
  if (state.me && s !== 'online' && state.presence.get(state.me.id)) {
    state.presence.set(state.me.id, false);
    renderMessages();
  }
  node.className = `connection ${s}`;
  if (s === 'online') {
    node.textContent = 'Connected';
  } else if (s === 'connecting') {
    node.textContent = 'Connecting…';
  } else if (s === 'waiting') {
    const seconds = Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000));
    node.textContent = `Offline: reconnecting in ${seconds} s`;
  } else {
    node.textContent = 'Offline';
  }
}

/** Wraps requests so that only the newest one's answer is used: an older answer arriving late never overwrites it. */
function latestOnly() {
  let newest = 0;
  return (promise) => {
    const mine = ++newest;
    return promise.then((value) => (mine === newest ? value : new Promise(() => {})));
  };
}

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Start

function wire() {
  byId('tab-login').addEventListener('click', () => selectAuthTab('login'));
  byId('tab-register').addEventListener('click', () => selectAuthTab('register'));
  byId('login-form').addEventListener('submit', (e) => submitAuth(e, (f) => session.login(f.login, f.password),
    'login-error'));
  byId('register-form').addEventListener('submit', (e) => submitAuth(e, (f) => session.register({
    username: f.username, email: f.email, password: f.password, ...(f.displayName ? { displayName: f.displayName } : {}),
  }), 'register-error'));
  byId('logout-button').addEventListener('click', () => {
    // Closed first: the server closes this session's sockets on logout, which must not look like a lost connection.
    connection.stop();
    session.logout();
  });
  byId('back-button').addEventListener('click', () => {
    location.hash = '#/';
  });
  byId('new-dm-button').addEventListener('click', newDirectMessage);
  byId('new-room-button').addEventListener('click', newRoom);
  byId('browse-rooms-button').addEventListener('click', browseRooms);
  byId('mute-button').addEventListener('click', muteConversation);
  byId('composer').addEventListener('submit', submitComposer);
  byId('composer-text').addEventListener('keydown', composerKeydown);
  byId('composer-text').addEventListener('input', composerInput);
  byId('composer-text').addEventListener('blur', () => setTimeout(closeMentions, 150));
  byId('composer-context-cancel').addEventListener('click', cancelComposerContext);
  byId('message-scroller').addEventListener('scroll', debounce(() => {
    if (byId('message-scroller').scrollTop < 120) {
      loadOlder();
    }
    markRead();
  }, 100));
  byId('preferences-form').addEventListener('submit', (e) => {
    e.preventDefault();
    settings.savePreferences();
  });
  byId('push-enable').addEventListener('click', async () => {
    try {
      await settings.enablePush();
      toast('Notifications are on for this device.');
    } catch (e) {
      toast(e.message);
    }
    settings.showSettings(conversationName);
  });
  byId('push-disable').addEventListener('click', async () => {
    try {
      await settings.disablePush();
    } catch (e) {
      toast(e.message);
    }
    settings.showSettings(conversationName);
  });
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', markRead);
  window.addEventListener('focus', markRead);
  connection.addEventListener('state', renderConnection);
  connection.addEventListener('ready', onReady);
  connection.addEventListener('frame', (event) => onFrame(event.detail));
  setInterval(() => {
    if (connection.state === 'waiting') {
      renderConnection();
    }
  }, 1000);
  session.onChange((what, reason) => {
    if (what === 'signed-out') {
      signedOut(reason);
    }
  });
}

async function boot() {
  wire();
  if (await session.restore()) {
    try {
      await enterApp();
      return;
    } catch (e) {
      // Fall through to the sign-in page.
    }
  }
  showAuth();
}

boot();
