// @ts-check
// console.js: the county office's console (县合管办工作台). Sign in as at the desk →
// search settlements page by page → a settlement's stored result, its explanation in
// the engine's words, reversal, correction, reprint of the slip → a person's or a
// household's page of record with their cards (lost, suspended, replaced … with a
// reason) → the audit's flags. Views are chosen by the URL's hash, so that a link
// (from a flag to its settlement, from a settlement to its person) is a plain <a>.
import { translate, cardActions } from './i18n.js';
import { ConsoleClient, ApiError, settlementFilters } from './api.js';
import { normalise } from '../desk/money.js';
import { $, h, slip } from '../desk/views.js';
import { entryFacts, settlementsTable, personFacts, enrollmentTable, totalsTable, cardHistory, flagsTable, settlementHref } from './views.js';

/** @typedef {import('./i18n.js').Lang} Lang */

const views = ['search', 'detail', 'persons', 'flags'];

class Console {
  constructor() {
    /** @type {Lang} */
    this.lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh';
    this.api = new ConsoleClient();
    /** @type {any} */ this.operator = null;
    /** The search: its filters, the cursors of the pages shown so far (the first ''), the page's. */
    /** @type {Record<string, string>} */ this.filters = {};
    /** @type {string[]} */ this.cursors = [''];
    /** @type {any} */ this.page = null;
    /** The settlement open: its entry, its list row, its reversal's reason. */
    /** @type {any} */ this.entry = null;
    /** @type {any} */ this.row = null;
    /** @type {any} */ this.reversal = null;
    /** @type {any} the settlement's person, when the register is readable (the slip's name) */
    this.person = null;
    /** @type {any} */ this.record = null;
    /** @type {string} */ this.recordKind = '';
    /** @type {string} */ this.recordYear = '';
    /** @type {any} */ this.flags = null;
    /** @type {string[]} */ this.flagCursors = [''];
    /** The status line's word, by key. */
    this.statusKey = '';
  }

  /** @param {string} k @param {Record<string, string | number>} [v] */
  t(k, v) { return translate(this.lang, k, v); }

  async start() {
    this.wire();
    /** @type {HTMLInputElement} */ ($('flags-month')).value = new Date().toISOString().slice(0, 7);
    try {
      this.operator = (await this.api.whoami()).operator;
    } catch {
      this.operator = null;
    }
    this.show();
    await this.route();
    document.documentElement.dataset.ready = 'true';
  }

  /**
   * status shows one of the page's words (by key, so that the language switch
   * redraws it), or nothing.
   * @param {string} key
   */
  status(key) {
    this.statusKey = key;
    $('status').textContent = key ? this.t(key) : '';
  }

  /** @param {unknown} e */
  errorText(e) {
    if (e instanceof ApiError) return e.offline ? this.t('err.network') : e.text(this.lang) || `HTTP ${e.status}`;
    return String(e);
  }

  /** @param {string} id @param {unknown} e */
  fail(id, e) {
    const m = $(id);
    m.textContent = this.errorText(e);
    m.dataset.code = e instanceof ApiError ? (e.errors[0]?.code ?? '') : '';
    m.hidden = false;
  }

  translatePage() {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = this.t('c.title');
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = this.t(/** @type {HTMLElement} */ (e).dataset.t ?? '');
    $('lang').textContent = this.t('langSwitch');
    $('lang').setAttribute('lang', this.lang === 'zh' ? 'en' : 'zh');
    if (this.operator) {
      const o = this.operator;
      $('who').textContent = this.lang === 'zh' ? `${this.t('operator')}：${o.name}（${o.login}）` : `${this.t('operator')}: ${o.name} (${o.login})`;
    }
    $('status').textContent = this.statusKey ? this.t(this.statusKey) : '';
    if (this.page) this.showPage();
    if (this.entry) this.showEntry();
    if (this.record) this.showRecord();
    if (this.flags) this.showFlags();
  }

  show() {
    const inside = !!this.operator;
    $('login').hidden = inside;
    $('nav').hidden = !inside;
    $('signout').hidden = $('who').hidden = !inside;
    if (!inside) for (const v of views) $(`${v}-view`).hidden = true;
    // The county's records are the administrator's: an auditor reads settlements and flags.
    const admin = this.operator?.role === 'admin';
    /** @type {HTMLElement} */ (document.querySelector('#nav [data-view=persons]')).hidden = !admin;
    this.translatePage();
    if (!inside) /** @type {HTMLInputElement} */ ($('login-name')).focus();
  }

  wire() {
    $('lang').addEventListener('click', () => { this.lang = this.lang === 'zh' ? 'en' : 'zh'; this.translatePage(); });
    $('login').addEventListener('submit', (ev) => { ev.preventDefault(); this.signIn(); });
    $('signout').addEventListener('click', async () => {
      await this.api.signOut().catch(() => {});
      this.operator = this.page = this.entry = this.record = this.flags = null;
      this.show();
    });
    window.addEventListener('hashchange', () => { this.route(); });
    $('search-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.search(); });
    $('search-form').addEventListener('reset', () => { $('search-msg').hidden = true; });
    $('next').addEventListener('click', () => this.turn(1));
    $('prev').addEventListener('click', () => this.turn(-1));
    $('print').addEventListener('click', () => window.print());
    for (const r of document.querySelectorAll('input[name=paper]')) {
      r.addEventListener('change', () => {
        const v = /** @type {HTMLInputElement} */ (document.querySelector('input[name=paper]:checked')).value;
        document.body.classList.toggle('paper-a4', v === 'a4');
        document.body.classList.toggle('paper-80', v === '80');
      });
    }
    $('reverse-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.reverse(); });
    $('correct-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.correct(); });
    $('lookup-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const id = /** @type {HTMLInputElement} */ ($('lookup-id')).value.trim().toUpperCase();
      const year = /** @type {HTMLInputElement} */ ($('lookup-year')).value.trim();
      // A resident ID has 18 characters; anything else is taken as a household id.
      location.hash = `${/^\d{17}[\dX]$/.test(id) ? '#person' : '#household'}/${encodeURIComponent(id)}${year ? `/${year}` : ''}`;
    });
    $('flags-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.flagCursors = ['']; this.listFlags(); });
    $('flags-next').addEventListener('click', () => { this.flagCursors.push(this.flags?.next ?? ''); this.listFlags(); });
  }

  async signIn() {
    const msg = $('login-msg');
    msg.hidden = true;
    try {
      const s = await this.api.signIn(/** @type {HTMLInputElement} */ ($('login-name')).value, /** @type {HTMLInputElement} */ ($('login-password')).value);
      this.operator = s.operator;
      /** @type {HTMLInputElement} */ ($('login-password')).value = '';
      this.show();
      await this.route();
    } catch (e) {
      this.fail('login-msg', e);
      /** @type {HTMLInputElement} */ ($('login-password')).select();
    }
  }

  /**
   * route shows the view the hash names: #search, #settlement/SEQ, #persons,
   * #person/ID[/YEAR], #household/ID[/YEAR], #flags.
   */
  async route() {
    if (!this.operator) return;
    const [name, arg = '', year = ''] = location.hash.slice(1).split('/');
    const view = { settlement: 'detail', person: 'persons', household: 'persons', persons: 'persons', flags: 'flags' }[name] ?? 'search';
    for (const v of views) $(`${v}-view`).hidden = v !== view;
    for (const a of document.querySelectorAll('#nav a[data-view]')) {
      a.classList.toggle('current', /** @type {HTMLElement} */ (a).dataset.view === (view === 'detail' ? 'search' : view));
    }
    const id = decodeURIComponent(arg);
    if (name === 'settlement') await this.open(Number(id));
    else if (name === 'person' || name === 'household') await this.openRecord(name, id, year);
    else if (view === 'search' && !this.page) await this.search();
  }

  /** The filters on the form, amounts normalised; null (after saying why) when one is not an amount. */
  readFilters() {
    /** @type {Record<string, string>} */
    const f = {};
    for (const k of settlementFilters) {
      const input = /** @type {HTMLInputElement | null} */ (document.getElementById(`f-${k}`));
      if (!input || !input.value.trim()) continue;
      let v = input.value.trim();
      if (k === 'minTotal' || k === 'maxTotal') {
        const n = normalise(v);
        if (n === null) {
          $('search-msg').textContent = `${this.t(`c.${k}`)}：${this.t('err.amount')}`;
          $('search-msg').hidden = false;
          return null;
        }
        v = n;
      }
      if (k === 'person') v = v.toUpperCase();
      f[k] = v;
    }
    return f;
  }

  async search() {
    $('search-msg').hidden = true;
    const f = this.readFilters();
    if (!f) return;
    this.filters = f;
    this.cursors = [''];
    await this.load();
  }

  /** @param {number} step  1 for the next page, -1 for the previous */
  async turn(step) {
    if (step > 0 && this.page?.next) this.cursors.push(this.page.next);
    else if (step < 0 && this.cursors.length > 1) this.cursors.pop();
    else return;
    await this.load();
  }

  async load() {
    this.status('working');
    try {
      this.page = await this.api.settlements(this.filters, this.cursors[this.cursors.length - 1]);
      this.showPage();
      this.status('ready');
    } catch (e) {
      this.page = null;
      $('results').replaceChildren();
      this.fail('search-msg', e);
      this.status('');
    }
  }

  showPage() {
    const p = this.page;
    $('results').replaceChildren(p.items.length ? settlementsTable(this.lang, p.items) : h('p', { class: 'note' }, this.t('c.none')));
    $('results').dataset.count = String(p.items.length);
    $('page-info').textContent = `${this.t('c.page', { n: this.cursors.length })} · ${this.t(p.next ? 'c.more' : 'c.end')}`;
    $('page-info').dataset.page = String(this.cursors.length);
    /** @type {HTMLButtonElement} */ ($('next')).disabled = !p.next;
    /** @type {HTMLButtonElement} */ ($('prev')).disabled = this.cursors.length <= 1;
  }

  /**
   * open shows settlement seq: its stored result as the slip, with the engine's
   * explanation, and what may be done with it.
   * @param {number} seq
   */
  async open(seq) {
    $('reverse-msg').hidden = $('correct-msg').hidden = true;
    this.status('working');
    try {
      this.entry = await this.api.entry(seq);
      this.row = this.page?.items.find((/** @type {any} */ it) => it.seq === seq) ?? await this.findRow(this.entry);
      this.reversal = null;
      if (this.row?.reversedBy) {
        const r = await this.api.entry(this.row.reversedBy);
        this.reversal = { seq: r.seq, reason: r.reason };
      }
      this.person = await this.api.person(this.entry.person).catch(() => null);
      this.showEntry();
      this.status('ready');
    } catch (e) {
      this.entry = null;
      $('detail-title').textContent = this.errorText(e);
      $('slip').replaceChildren();
      this.status('');
    }
  }

  /**
   * findRow finds a settlement's row (status and links) among its person's
   * settlements, for a detail opened by its link rather than from the list.
   * @param {any} e
   */
  async findRow(e) {
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const p = await this.api.settlements({ person: e.person }, cursor);
      const row = p.items.find((/** @type {any} */ it) => it.seq === e.seq);
      if (row || !p.next) return row ?? null;
      cursor = p.next;
    }
    return null;
  }

  showEntry() {
    const e = this.entry;
    $('detail-title').textContent = this.t('c.detailTitle', { seq: e.seq });
    $('detail-facts').replaceChildren(...entryFacts(this.lang, e, this.row));
    const result = e.result?.result ?? e.result;
    const claim = e.request?.claim ?? {};
    const texts = (result?.trace ?? []).some((/** @type {any} */ s) => s.text);
    $('text-note').textContent = this.t(texts ? 'c.textLang' : 'c.noText');
    $('slip').replaceChildren(...slip(this.lang, {
      result,
      settlement: { seq: e.seq, recorded: e.recorded, corrects: e.corrects || undefined },
      person: { id: e.person, name: this.person?.name },
      facility: e.institution,
      operator: e.operator || e.key,
      visit: { admission: e.admission, discharge: e.discharge, invoice: e.invoice || claim.visit?.invoice },
      reversal: this.reversal,
    }).filter((x) => x !== null));
    $('slip').dataset.state = this.reversal ? 'reversed' : 'settled';
    $('slip').dataset.seq = String(e.seq);
    // The server decides by role (an institution's auditor, or the administrator);
    // the forms are offered to those roles and only for a standing settlement.
    const o = this.operator;
    const may = o?.role === 'admin' || (o?.role === 'auditor' && !!o.institution && o.institution === e.institution);
    const standing = this.row ? this.row.status === 'live' : true;
    $('reverse-form').hidden = !may || !standing;
    $('correct-form').hidden = !may || !standing || !e.request;
    if (e.request) this.fillCorrection(e.request);
  }

  /**
   * fillCorrection offers the recorded bill's items with their amounts to change; a
   * correction settles the changed bill in the settlement's place.
   * @param {any} req
   */
  fillCorrection(req) {
    const items = req.claim?.items ?? [];
    $('correct-items').replaceChildren(h('table', { class: 'list compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, this.t('c.item')), h('th', { scope: 'col' }, this.t('c.amount')))),
      h('tbody', {}, ...items.map((/** @type {any} */ it, /** @type {number} */ i) => h('tr', {},
        h('th', { scope: 'row' }, [it.code, it.name, it.class].filter(Boolean).join(' · ')),
        h('td', {}, h('input', { id: `correct-amount-${i}`, value: it.amount, inputmode: 'decimal', 'aria-label': `${this.t('c.amount')} ${it.code ?? i}` })))))));
  }

  async reverse() {
    const reason = /** @type {HTMLInputElement} */ ($('reverse-reason')).value.trim();
    $('reverse-msg').hidden = true;
    if (!reason) {
      $('reverse-msg').textContent = this.t('c.reasonRequired');
      $('reverse-msg').hidden = false;
      return;
    }
    try {
      await this.api.reverse(this.entry.seq, reason);
      /** @type {HTMLInputElement} */ ($('reverse-reason')).value = '';
      this.page = null;
      await this.open(this.entry.seq);
    } catch (e) {
      this.fail('reverse-msg', e);
    }
  }

  async correct() {
    $('correct-msg').hidden = true;
    // The server keeps the reason on the replaced settlement and on the correction.
    const reason = /** @type {HTMLInputElement} */ ($('correct-reason')).value.trim();
    if (!reason) {
      $('correct-msg').textContent = this.t('c.reasonRequired');
      $('correct-msg').hidden = false;
      return;
    }
    const req = structuredClone(this.entry.request);
    const items = req.claim?.items ?? [];
    for (let i = 0; i < items.length; i++) {
      const v = normalise(/** @type {HTMLInputElement} */ ($(`correct-amount-${i}`)).value);
      if (v === null) {
        $('correct-msg').textContent = this.t('err.amount');
        $('correct-msg').hidden = false;
        return;
      }
      items[i].amount = v;
    }
    req.lang = this.lang;
    try {
      const env = await this.api.correct(this.entry.seq, reason, req);
      /** @type {HTMLInputElement} */ ($('correct-reason')).value = '';
      this.page = null;
      location.hash = settlementHref(String(env.settlement.seq));
    } catch (e) {
      this.fail('correct-msg', e);
    }
  }

  /**
   * openRecord shows a person's or a household's page of record.
   * @param {'person' | 'household'} kind
   * @param {string} id
   * @param {string} [year]  the year of the totals; the server's current year when ""
   */
  async openRecord(kind, id, year = '') {
    $('lookup-msg').hidden = true;
    /** @type {HTMLInputElement} */ ($('lookup-id')).value = id;
    /** @type {HTMLInputElement} */ ($('lookup-year')).value = year;
    this.recordYear = year;
    if (!id) { this.record = null; $('record').replaceChildren(); return; }
    this.status('working');
    try {
      this.record = kind === 'person' ? await this.api.personRecord(id, year) : await this.api.householdRecord(id, year);
      this.recordKind = kind;
      this.showRecord();
      this.status('ready');
    } catch (e) {
      this.record = null;
      $('record').replaceChildren();
      this.fail('lookup-msg', e);
      this.status('');
    }
  }

  showRecord() {
    const r = this.record;
    const out = [];
    if (this.recordKind === 'person') {
      out.push(h('section', { class: 'panel', 'data-part': 'person' }, h('h2', {}, `${r.person.name}（${r.person.id}）`),
        h('dl', { class: 'facts' }, ...personFacts(this.lang, r.person, r.household, this.recordYear)),
        enrollmentTable(this.lang, r.person.enrollment), totalsTable(this.lang, r.totals)));
      out.push(this.cardsPanel(r.person, r.cards));
    } else {
      const hh = r.household;
      out.push(h('section', { class: 'panel', 'data-part': 'household' }, h('h2', {}, this.t('c.householdTitle', { id: hh.id })),
        h('dl', { class: 'facts' }, h('dt', {}, this.t('c.township')), h('dd', {}, hh.township), h('dt', {}, this.t('c.village')), h('dd', {}, hh.village),
          h('dt', {}, this.t('c.address')), h('dd', {}, hh.address || '—'), h('dt', {}, this.t('c.head')), h('dd', {}, hh.head || '—'))));
      for (const m of r.members) {
        out.push(h('section', { class: 'panel member', 'data-person': m.person.id },
          h('h3', {}, h('a', { href: `#person/${encodeURIComponent(m.person.id)}${this.recordYear ? `/${this.recordYear}` : ''}` }, `${m.person.name}（${m.person.id}）`)),
          enrollmentTable(this.lang, m.person.enrollment), totalsTable(this.lang, m.totals)));
      }
    }
    /** @type {Record<string, string>} */
    const filter = this.recordKind === 'person' ? { person: r.person.id } : { household: r.household.id };
    const all = h('a', { href: '#search', id: 'record-all' }, this.t('c.allSettlements'));
    all.addEventListener('click', () => {
      for (const k of settlementFilters) /** @type {HTMLInputElement} */ (document.getElementById(`f-${k}`) ?? { value: '' }).value = '';
      this.filters = filter;
      this.cursors = [''];
      this.page = null;
      if (filter.person) /** @type {HTMLInputElement} */ ($('f-person')).value = filter.person;
      queueMicrotask(() => this.load());
    });
    out.push(h('section', { class: 'panel', 'data-part': 'settlements' }, h('h2', {}, this.t('c.settlementsTitle')),
      r.settlements.items.length ? settlementsTable(this.lang, r.settlements.items) : h('p', { class: 'note' }, this.t('c.none')),
      r.settlements.next ? all : null));
    $('record').replaceChildren(...out);
  }

  /**
   * cardsPanel shows a person's cards with their history and the counter's actions.
   * @param {any} person
   * @param {any[]} cards
   */
  cardsPanel(person, cards) {
    const today = new Date().toISOString().slice(0, 10);
    const panel = h('section', { class: 'panel', 'data-part': 'cards' }, h('h2', {}, this.t('c.cardsTitle')));
    if (!cards.length) panel.append(h('p', { class: 'note' }, this.t('c.noCards')));
    for (const c of cards) {
      const box = h('div', { class: 'card', 'data-card': c.card.number, 'data-status': c.card.status }, ...cardHistory(this.lang, c));
      const actions = cardActions.filter((a) => a.from.includes(c.card.status));
      if (actions.length) {
        const n = c.card.number;
        const form = h('form', { class: 'card-act', novalidate: true },
          h('div', { class: 'row' },
            h('div', { class: 'field' }, h('label', { for: `act-${n}` }, this.t('c.event')),
              h('select', { id: `act-${n}`, name: 'event' }, ...actions.map((a) => h('option', { value: a.event }, this.t(`ev.${a.event}`))))),
            h('div', { class: 'field' }, h('label', { for: `act-date-${n}` }, this.t('c.actDate')), h('input', { id: `act-date-${n}`, name: 'date', type: 'date', value: today })),
            h('div', { class: 'field' }, h('label', { for: `act-reason-${n}` }, this.t('c.reason')), h('input', { id: `act-reason-${n}`, name: 'reason', autocomplete: 'off' })),
            h('div', { class: 'field replacement', hidden: actions[0].event !== 'replace' }, h('label', { for: `act-new-${n}` }, this.t('c.newCard')),
              h('input', { id: `act-new-${n}`, name: 'newCard', inputmode: 'numeric', autocomplete: 'off' }))),
          h('p', { class: 'msg', role: 'alert', hidden: true }),
          h('button', { type: 'submit' }, this.t('c.act')));
        const sel = /** @type {HTMLSelectElement} */ (form.querySelector('select'));
        sel.addEventListener('change', () => { /** @type {HTMLElement} */ (form.querySelector('.replacement')).hidden = sel.value !== 'replace'; });
        form.addEventListener('submit', (ev) => { ev.preventDefault(); this.cardEvent(person, n, form); });
        box.append(form);
      }
      panel.append(box);
    }
    // A new card for a person with none standing (or a replacement made elsewhere).
    const issue = h('form', { class: 'card-issue', novalidate: true },
      h('h3', {}, this.t('c.issueTitle')),
      h('div', { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'issue-number' }, this.t('c.cardNumber')), h('input', { id: 'issue-number', inputmode: 'numeric', autocomplete: 'off' })),
        h('div', { class: 'field' }, h('label', { for: 'issue-date' }, this.t('c.actDate')), h('input', { id: 'issue-date', type: 'date', value: today }))),
      h('p', { class: 'msg', role: 'alert', hidden: true }),
      h('button', { type: 'submit', id: 'issue' }, this.t('c.issue')));
    issue.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const msg = /** @type {HTMLElement} */ (issue.querySelector('.msg'));
      msg.hidden = true;
      try {
        await this.api.cardEvent(/** @type {HTMLInputElement} */ ($('issue-number')).value.replace(/\s/g, ''),
          { event: 'issue', date: /** @type {HTMLInputElement} */ ($('issue-date')).value, owner: person.id });
        await this.openRecord('person', person.id, this.recordYear);
      } catch (e) {
        msg.textContent = this.errorText(e);
        msg.dataset.code = e instanceof ApiError ? (e.errors[0]?.code ?? '') : '';
        msg.hidden = false;
      }
    });
    panel.append(issue);
    return panel;
  }

  /**
   * cardEvent records the action chosen on a card's form; a replacement also issues
   * the new card to the same person.
   * @param {any} person
   * @param {string} number
   * @param {HTMLElement} form
   */
  async cardEvent(person, number, form) {
    const v = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.querySelector(`[name=${name}]`)).value.trim();
    const msg = /** @type {HTMLElement} */ (form.querySelector('.msg'));
    msg.hidden = true;
    const event = v('event');
    const date = v('date');
    const reason = v('reason');
    if (!reason) {
      msg.textContent = this.t('c.reasonRequired');
      msg.hidden = false;
      return;
    }
    const newCard = v('newCard').replace(/\s/g, '');
    if (event === 'replace' && !newCard) {
      msg.textContent = this.t('c.newCardRequired');
      msg.hidden = false;
      return;
    }
    try {
      // 补卡: the new card first, so that a mistyped number leaves the lost card as it was.
      if (event === 'replace') await this.api.cardEvent(newCard, { event: 'issue', date, owner: person.id, reason });
      await this.api.cardEvent(number, { event, date, reason });
      await this.openRecord('person', person.id, this.recordYear);
    } catch (e) {
      msg.textContent = this.errorText(e);
      msg.dataset.code = e instanceof ApiError ? (e.errors[0]?.code ?? '') : '';
      msg.hidden = false;
    }
  }

  async listFlags() {
    $('flags-msg').hidden = true;
    const month = /** @type {HTMLInputElement} */ ($('flags-month')).value;
    const code = /** @type {HTMLSelectElement} */ ($('flags-code')).value;
    try {
      this.flags = await this.api.auditFlags(month, code, this.flagCursors[this.flagCursors.length - 1]);
      this.showFlags();
    } catch (e) {
      this.flags = null;
      $('flags').replaceChildren();
      this.fail('flags-msg', e);
    }
  }

  showFlags() {
    const f = this.flags;
    $('flags').replaceChildren(f.items.length ? flagsTable(this.lang, f.items) : h('p', { class: 'note' }, this.t('c.noFlags')));
    $('flags').dataset.count = String(f.items.length);
    $('flags-next').hidden = !f.next;
  }
}

new Console().start().catch((e) => console.error(e));
