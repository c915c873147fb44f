// @ts-check
// api.js: the county server's routes the desk uses. Every failure is an ApiError with
// the server's own error envelope, so the page shows the server's messageZh/message.

/** @typedef {{ code: string, path: string, message: string, messageZh: string }} EngineError */

/** ApiError is a refused or failed request; offline is true when the server was not reached. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {EngineError[]} errors
   * @param {boolean} [offline]
   */
  constructor(status, errors, offline = false) {
    super(errors[0]?.message ?? `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.offline = offline;
  }

  /** @param {'zh' | 'en'} lang */
  text(lang) {
    return this.errors.map((e) => (lang === 'zh' ? e.messageZh || e.message : e.message)).join('；');
  }
}

/** Client calls the county server from the page with the session cookie. */
export class Client {
  /** @param {string} [base] */
  constructor(base = '') {
    this.base = base;
    this.csrf = '';
  }

  /**
   * send makes one request and returns the envelope (result and settlement).
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>}
   */
  async send(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = this.token();
    let res;
    try {
      res = await fetch(this.base + path, { method, headers, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, [], true);
    }
    let env;
    try {
      env = await res.json();
    } catch {
      // A proxy's error page or a server that went away mid-answer.
      throw new ApiError(res.status, [], res.status === 0 || res.status >= 502);
    }
    if (!res.ok || env.ok === false) throw new ApiError(res.status, env.errors ?? []);
    return env;
  }

  /** token is the CSRF token a request other than GET sends (X-CSRF-Token). */
  token() { return this.csrf || csrfCookie(); }

  /** @param {string} login @param {string} password */
  async signIn(login, password) {
    const env = await this.send('POST', '/v1/session', { login, password });
    this.csrf = env.result.csrfToken;
    return env.result;
  }

  async whoami() { return (await this.send('GET', '/v1/session')).result; }
  async signOut() { await this.send('DELETE', '/v1/session'); this.csrf = ''; }
  async policies() { return (await this.send('GET', '/v1/policies')).result; }
  /** @param {object} req */
  async verify(req) { return (await this.send('POST', '/v1/cards/verify', req)).result; }
  /** @param {string} id */
  async person(id) { return (await this.send('GET', `/v1/persons/${encodeURIComponent(id)}`)).result; }
  /**
   * presettle returns the server's result and the engine request it computed: the
   * claim with the register's person and the year's totals; with corrects, the
   * totals leave out the settlement a correction replaces.
   * @param {object} req
   * @param {number} [corrects]
   * @returns {Promise<{ result: any, request?: any }>}
   */
  async presettle(req, corrects = 0) { return this.send('POST', `/v1/presettlements${corrects ? `?corrects=${corrects}` : ''}`, req); }
  /** @param {object} req */
  async settle(req) { return this.send('POST', '/v1/settlements', req); }
  /** @param {number} seq @param {string} reason */
  async reverse(seq, reason) { return this.send('POST', `/v1/settlements/${seq}/reversal`, { reason }); }
  /** @param {number} seq @param {string} reason @param {object} req */
  async correct(seq, reason, req) { return this.send('POST', `/v1/settlements/${seq}/correction`, { reason, request: req }); }
  /** entry reads a journal entry with what followed it, for a reprint (补打). @param {number} seq */
  async entry(seq) { return (await this.send('GET', `/v1/settlements/${seq}`)).result; }
  /**
   * manualClaim records a manual claim (手工报销): the settle request, the invoices and the payout.
   * @param {{ request: object, invoices: { number: string, date: string }[], payout: { holder: string, bank: string, card: string } }} body
   */
  async manualClaim(body) { return this.send('POST', '/v1/manual-claims', body); }
  /** @returns {Promise<any[]>} the facility register's periods */
  async facilities() { return (await this.send('GET', '/v1/facilities')).result; }
}

/** csrfCookie reads the CSRF token the server set (after a reload the page has only the cookie). */
function csrfCookie() {
  if (typeof document === 'undefined') return '';
  const m = /(?:^|;\s*)ncms_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : '';
}
