// REST calls and the session. The access token lives only in memory (a script injected into the page cannot
// read it from storage after a reload); the refresh token must survive a reload, so it is in localStorage, and
// every use of it happens under one Web Lock shared by all tabs: auth-service rotates refresh tokens and treats a
// replayed one as theft (it revokes the session), so two tabs must never refresh with the same token.

const REFRESH_KEY = 'chat.refreshToken';
const REFRESH_LOCK = 'chat.refresh';

/** An RFC 9457 problem (or any failed response) as an Error the UI can show. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
  }

  /** "field: message" lines for a 400 naming fields, else the detail. */
  describe() {
    const errors = this.problem.errors;
    if (Array.isArray(errors) && errors.length) {
      return errors.map((e) => `${e.field}: ${e.message}`).join('\n');
    }
    return this.message;
  }
}

class Session {
  constructor() {
    this.accessToken = null;
    this.userId = null;
    this.expiresAt = 0;
    this.listeners = new Set();
    this.refreshTimer = null;
    // Another tab signing out removes the refresh token: follow it.
    window.addEventListener('storage', (event) => {
      if (event.key === REFRESH_KEY && event.newValue === null && this.accessToken) {
        this.clear('signed-out-elsewhere');
      }
    });
  }

  get signedIn() {
    return this.accessToken !== null;
  }

  onChange(listener) {
    this.listeners.add(listener);
  }

  async login(login, password) {
    const tokens = await request('POST', '/api/auth/login', { login, password }, { anonymous: true });
    this.accept(tokens);
  }

  async register(fields) {
    await request('POST', '/api/auth/register', fields, { anonymous: true });
    await this.login(fields.username, fields.password);
  }

  /** Restores the session after a reload; false when there is none (or it was revoked). */
  async restore() {
    if (!localStorage.getItem(REFRESH_KEY)) {
      return false;
    }
    try {
      await this.refresh();
      return true;
    } catch (e) {
      return false;
    }
  }

  /** A fresh access token; concurrent callers in this tab share one refresh. */
  refresh() {
    if (!this.refreshing) {
      this.refreshing = this.refreshUnderLock().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  async refreshUnderLock() {
    const run = async () => {
      // Read inside the lock: another tab may have rotated it a moment ago.
      const refreshToken = localStorage.getItem(REFRESH_KEY);
      if (!refreshToken) {
        throw new ApiError(401, { detail: 'Signed out.' });
      }
      try {
        this.accept(await request('POST', '/api/auth/refresh', { refreshToken }, { anonymous: true }));
      } catch (e) {
        if (e.status === 401 || e.status === 403) {
          localStorage.removeItem(REFRESH_KEY);
          this.clear(e.status === 403 ? 'blocked' : 'expired');
        }
        throw e;
      }
    };
    return navigator.locks ? navigator.locks.request(REFRESH_LOCK, run) : run();
  }

  accept(tokens) {
    localStorage.setItem(REFRESH_KEY, tokens.refreshToken);
    this.accessToken = tokens.accessToken;
    this.userId = tokens.userId;
    this.expiresAt = Date.now() + tokens.expiresIn * 1000;
    // Renew a minute before expiry so the WebSocket can re-authenticate without a gap.
    clearTimeout(this.refreshTimer);
    const renewIn = Math.max(5_000, tokens.expiresIn * 1000 - 60_000);
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), renewIn);
    this.listeners.forEach((listener) => listener('token'));
  }

  async logout() {
    try {
      if (this.accessToken) {
        await api('POST', '/api/auth/logout');
      }
    } finally {
      localStorage.removeItem(REFRESH_KEY);
      this.clear('logout');
    }
  }

  clear(reason) {
    clearTimeout(this.refreshTimer);
    const wasSignedIn = this.accessToken !== null;
    this.accessToken = null;
    this.userId = null;
    if (wasSignedIn) {
      this.listeners.forEach((listener) => listener('signed-out', reason));
    }
  }
}

export const session = new Session();

async function request(method, path, body, { anonymous = false } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (!anonymous && session.accessToken) {
    headers.Authorization = `Bearer ${session.accessToken}`;
  }
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = { detail: text.slice(0, 200) };
  }
  if (!response.ok) {
    if (response.status === 429) {
      const retry = response.headers.get('Retry-After');
      json = { ...json, detail: json?.detail || `Too many requests; try again in ${retry} s.` };
    }
    throw new ApiError(response.status, json);
  }
  return json;
}

/** An authenticated call; an expired access token is refreshed once and the call repeated. */
export async function api(method, path, body) {
  try {
    return await request(method, path, body);
  } catch (e) {
    const refusedToken = e.status === 401 && session.signedIn;
    if (!refusedToken) {
      throw e;
    }
    await session.refresh();
    return request(method, path, body);
  }
}

export const enc = encodeURIComponent;
