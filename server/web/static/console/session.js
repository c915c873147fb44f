// @ts-check
// session.js: what the console's report, notice and import pages share: the operator
// signed in as at the checkout desk (the same session cookie and CSRF token, through
// the desk's API client), the language switch, and the page's words.
import { ApiError, Client } from '../desk/api.js';
import { $, h } from '../desk/views.js';
import { t } from './words.js';

/** @typedef {import('../desk/i18n.js').Lang} Lang */

/** langKey is where the chosen language is kept between the console's pages. */
const langKey = 'ncms.console.lang';

/** Page is one of the console's pages: its language, its client and its operator. */
export class Page {
  constructor() {
    const asked = new URLSearchParams(location.search).get('lang');
    /** @type {Lang} */
    this.lang = asked === 'en' || asked === 'zh' ? asked : (localStorage.getItem(langKey) === 'en' ? 'en' : 'zh');
    this.api = new Client();
    /** @type {any} */
    this.operator = null;
    /** @type {Array<() => void>} */
    this.onLang = [];
    /** ready ran: signing out and in again keeps the page as it was wired. */
    this.wired = false;
  }

  /** @param {string} key @param {Record<string, string | number>} [vars] */
  t(key, vars) { return t(this.lang, key, vars); }

  /**
   * start wires the header and the sign-in form, then calls ready once an operator is
   * signed in (at once when the desk's or the console's session is still good).
   * @param {() => Promise<void>} ready
   */
  async start(ready) {
    $('work').before(signInForm());
    this.translate();
    $('lang').addEventListener('click', () => {
      this.lang = this.lang === 'zh' ? 'en' : 'zh';
      localStorage.setItem(langKey, this.lang);
      this.translate();
      for (const f of this.onLang) f();
    });
    $('signout').addEventListener('click', async () => {
      try { await this.api.signOut(); } catch { /* signed out either way */ }
      this.operator = null;
      this.show();
    });
    $('login').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const msg = $('login-msg');
      msg.hidden = true;
      try {
        const s = await this.api.signIn(/** @type {HTMLInputElement} */ ($('login-name')).value,
          /** @type {HTMLInputElement} */ ($('login-password')).value);
        this.operator = s.operator;
        this.show();
        if (!this.wired) {
          this.wired = true;
          await ready();
        }
      } catch (e) {
        msg.textContent = this.problem(e);
        msg.hidden = false;
      }
    });
    try {
      this.operator = (await this.api.whoami()).operator;
    } catch (e) {
      if (!(e instanceof ApiError) || e.offline) $('status').textContent = this.problem(e);
    }
    this.show();
    if (this.operator) {
      this.wired = true;
      await ready();
    }
    document.documentElement.dataset.ready = 'true';
  }

  /** show shows the sign-in form or the page, as the session stands. */
  show() {
    const on = Boolean(this.operator);
    $('login').hidden = on;
    $('work').hidden = !on;
    $('signout').hidden = !on;
    $('who').hidden = !on;
    if (on) $('who').textContent = `${this.t('operator')}：${this.operator.name}（${this.operator.login}）`;
  }

  /** translate puts the page's words in its language: every [data-t] element's text. */
  translate() {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = this.t(/** @type {HTMLElement} */ (e).dataset.t ?? '');
    $('lang').textContent = this.t('langSwitch');
    $('lang').setAttribute('lang', this.lang === 'zh' ? 'en' : 'zh');
    const title = document.querySelector('h1');
    if (title) document.title = title.textContent ?? '';
    if (this.operator) this.show();
  }

  /**
   * problem says what went wrong in the page's language: the server's own message, or
   * that the server was not reached.
   * @param {unknown} e
   */
  problem(e) {
    if (e instanceof ApiError) return e.offline ? this.t('err.network') : e.text(this.lang) || `HTTP ${e.status}`;
    return String(e);
  }

  /**
   * get fetches a report's result from the county server.
   * @param {string} path
   * @param {Record<string, string>} query
   */
  async get(path, query) {
    return (await this.api.send('GET', `${path}?${new URLSearchParams(query)}`)).result;
  }
}

/**
 * signInForm is the sign-in form the report, notice and import pages share, hidden
 * until show finds no operator; translate gives it its words (data-t).
 * @returns {HTMLFormElement}
 */
export function signInForm() {
  const field = (/** @type {string} */ id, /** @type {string} */ word, /** @type {Record<string, string | boolean>} */ input) =>
    h('div', { class: 'field' }, h('label', { for: id, 'data-t': word }), h('input', { id, ...input, required: true }));
  return /** @type {HTMLFormElement} */ (h('form', { id: 'login', class: 'panel no-print', hidden: true, novalidate: true },
    h('h2', { 'data-t': 'loginTitle' }),
    field('login-name', 'login', { autocomplete: 'username' }),
    field('login-password', 'password', { type: 'password', autocomplete: 'current-password' }),
    h('p', { id: 'login-msg', class: 'msg', role: 'alert', hidden: true }),
    h('button', { type: 'submit', 'data-t': 'signIn' })));
}
