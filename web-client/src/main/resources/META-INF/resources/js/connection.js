// The one WebSocket to /ws: authenticates with the first frame, reconnects by itself with exponential backoff and
// jitter, and tells the app when it is ready so the app can `resume` what it holds (docs/websocket-protocol.md).

import { session } from './api.js';

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

export class Connection extends EventTarget {
  constructor() {
    super();
    this.socket = null;
    this.state = 'offline';
    this.attempt = 0;
    this.retryTimer = null;
    this.retryAt = 0;
    this.stopped = true;
    // A refreshed token is presented on the open socket before the old one expires (a second `auth` frame).
    session.onChange((what) => {
      if (what === 'token' && this.state === 'online') {
        this.sendRaw({ type: 'auth', token: session.accessToken });
      }
    });
    window.addEventListener('online', () => this.retryNow());
    // Leaving the page closes the socket at once, so others see this user go offline now rather than when the
    // server's ping times out; a page restored from the back/forward cache reconnects and resumes.
    window.addEventListener('pagehide', () => this.socket?.close(1000, 'page closed'));
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) {
        this.retryNow();
      }
    });
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.socket) {
      this.socket.close(1000, 'signed out');
      this.socket = null;
    }
    this.setState('offline');
  }

  /** Sends a frame when online; false when it could not be sent (the caller keeps it for later). */
  send(frame) {
    if (this.state !== 'online') {
      return false;
    }
    return this.sendRaw(frame);
  }

  sendRaw(frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  retryNow() {
    if (!this.stopped && this.state === 'waiting') {
      clearTimeout(this.retryTimer);
      this.open();
    }
  }

  open() {
    clearTimeout(this.retryTimer);
    this.setState('connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      // The token goes in the first frame, never in the URL.
      socket.send(JSON.stringify({ type: 'auth', token: session.accessToken }));
    });
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', (event) => this.closed(socket, event));
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (frame.type === 'ready' && this.state !== 'online') {
      this.attempt = 0;
      this.setState('online');
      this.dispatchEvent(new CustomEvent('ready', { detail: frame }));
      return;
    }
    this.dispatchEvent(new CustomEvent('frame', { detail: frame }));
  }

  async closed(socket, event) {
    if (socket !== this.socket) {
      return;
    }
    this.socket = null;
    if (this.stopped) {
      return;
    }
    // 1008: the token was refused or expired (or the account was blocked): a fresh token decides which.
    if (event.code === 1008) {
      try {
        await session.refresh();
      } catch (e) {
        this.stop();
        return;
      }
    }
    this.scheduleRetry();
  }

  scheduleRetry() {
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    // Full jitter spreads reconnects of many clients after a server restart.
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.attempt += 1;
    this.retryAt = Date.now() + delay;
    this.setState('waiting');
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }
}
