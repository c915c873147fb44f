// @ts-check
// desk.js: the checkout desk's controller. Sign in → card and presenter → the person →
// the bill → the presettlement computed here by the engine module and by the county
// server, compared → 结算 → the slip → reversal. Offline, the page's own estimate is
// printed marked 未结算 and nothing is recorded.
import { load } from '../ncms.js';
import { translate, nextStep } from './i18n.js';
import { Client, ApiError } from './api.js';
import { categoryItems, lineItems, request, differences, birthDate, mask } from './claim.js';
import { decode, parse } from './feelist.js';
import { sum } from './money.js';
import { $, h, facts, figuresTable, personRows, slip, slipFromEntry } from './views.js';

/** @typedef {'zh' | 'en'} Lang */

class Desk {
  constructor() {
    /** @type {Lang} */
    this.lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh';
    this.api = new Client();
    /** @type {any} */ this.engine = null;
    /** @type {any} */ this.operator = null;
    this.offline = false;
    /** @type {any} */ this.card = null;
    /** @type {any} */ this.person = null;
    /** @type {any} the presettlement's claim as the server computed it (the register's person, the year's totals) */
    this.claim = null;
    /** @type {import('./feelist.js').Line[]} */ this.lines = [];
    /** @type {any} */ this.mine = null;
    /** @type {any} */ this.req = null;
    /** @type {any} */ this.slipData = null;
    /** The settlement being corrected, 0 for none. */
    this.correcting = 0;
    /** @type {'card' | 'manual'} card settlement, or a manual claim (手工报销) at the office */
    this.mode = 'card';
    /** @type {any[]} the facility register, for manual claims */
    this.facilities = [];
  }

  /** @param {string} k @param {Record<string, string | number>} [v] */
  t(k, v) { return translate(this.lang, k, v); }

  async start() {
    this.translatePage();
    this.wire();
    const today = new Date().toISOString().slice(0, 10);
    for (const id of ['date', 'admission', 'discharge']) /** @type {HTMLInputElement} */ ($(id)).value = today;
    try {
      this.engine = await load(fetch('../ncms.wasm'));
    } catch (e) {
      this.status(this.t('err.engine'));
      throw e;
    }
    try {
      this.operator = await this.api.whoami().then((s) => s.operator);
    } catch (e) {
      if (e instanceof ApiError && e.offline) this.goOffline();
    }
    await this.fillPolicies();
    this.show();
    this.status(this.t('ready'));
    document.documentElement.dataset.ready = 'true';
  }

  /** @param {string} text */
  status(text) { $('status').textContent = text; }

  translatePage() {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = this.t(/** @type {HTMLElement} */ (e).dataset.t ?? '');
    // The status line's data-t is its first text, 'loading': once ready it says so.
    if (document.documentElement.dataset.ready) this.status(this.t('ready'));
    $('lang').textContent = this.t('langSwitch');
    $('lang').setAttribute('lang', this.lang === 'zh' ? 'en' : 'zh');
    if (this.operator) $('who').textContent = `${this.t('operator')}：${this.operator.name}（${this.operator.login}，${this.operator.institution || '—'}）`;
    $('mode').textContent = this.t(this.mode === 'manual' ? 'cardMode' : 'manualMode');
    if (this.person && this.card) this.renderPerson(this.claim);
    if (this.mine) this.showOutcome(this.mine, this.theirs);
    if (this.slipData) this.showSlip();
  }

  show() {
    const inside = !!this.operator || this.offline;
    $('login').hidden = inside;
    $('desk').hidden = !inside;
    $('signout').hidden = !this.operator;
    $('who').hidden = !this.operator;
    $('reprint-form').hidden = !this.operator;
    // Manual claims are the county or township office's: its operators have no institution.
    $('mode').hidden = !this.operator || !!this.operator.institution;
    $('offline').hidden = !this.offline;
    this.translatePage();
    if (!inside) /** @type {HTMLInputElement} */ ($('login-name')).focus();
    else /** @type {HTMLInputElement} */ ($('card')).focus();
  }

  goOffline() {
    this.offline = true;
    $('offline').hidden = false;
    document.documentElement.dataset.offline = 'true';
  }

  wire() {
    $('lang').addEventListener('click', () => { this.lang = this.lang === 'zh' ? 'en' : 'zh'; this.translatePage(); });
    $('login').addEventListener('submit', (ev) => { ev.preventDefault(); this.signIn(); });
    $('signout').addEventListener('click', async () => { await this.api.signOut().catch(() => {}); this.operator = null; this.reset(); this.show(); });
    // The card reader is a keyboard: digits, then Enter. Enter in the card field goes
    // on to the presenter's ID; Enter there verifies (the form's submit).
    $('card').addEventListener('keydown', (ev) => {
      if (/** @type {KeyboardEvent} */ (ev).key === 'Enter') { ev.preventDefault(); /** @type {HTMLInputElement} */ ($('presenter')).focus(); }
    });
    $('card-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.verify(); });
    $('policy').addEventListener('change', () => this.fillClasses());
    $('fee-file').addEventListener('change', () => this.importFees());
    $('bill').addEventListener('submit', (ev) => { ev.preventDefault(); this.presettle(); });
    $('settle').addEventListener('click', () => this.settle());
    $('print').addEventListener('click', () => window.print());
    $('correct').addEventListener('click', () => this.startCorrection());
    $('next').addEventListener('click', () => { this.reset(); /** @type {HTMLInputElement} */ ($(this.mode === 'manual' ? 'm-person' : 'card')).focus(); });
    for (const r of document.querySelectorAll('input[name=paper]')) {
      r.addEventListener('change', () => {
        const v = /** @type {HTMLInputElement} */ (document.querySelector('input[name=paper]:checked')).value;
        document.body.classList.toggle('paper-a4', v === 'a4');
        document.body.classList.toggle('paper-80', v === '80');
      });
    }
    $('reverse-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.reverse(); });
    $('reprint-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.reprint(); });
    $('mode').addEventListener('click', () => this.switchMode(this.mode === 'manual' ? 'card' : 'manual'));
    $('m-add-invoice').addEventListener('click', () => this.addInvoice());
    $('m-policy').addEventListener('change', () => { /** @type {HTMLSelectElement} */ ($('policy')).value = /** @type {HTMLSelectElement} */ ($('m-policy')).value; this.fillClasses(); this.facilityClass(); });
    $('m-facility').addEventListener('change', () => this.facilityClass());
    // Enter in the manual form moves on to the bill, whose Enter presettles.
    $('manual').addEventListener('submit', (ev) => { ev.preventDefault(); /** @type {HTMLInputElement} */ ($('amount-a')).focus(); });
  }

  async signIn() {
    const msg = $('login-msg');
    msg.hidden = true;
    try {
      const s = await this.api.signIn(/** @type {HTMLInputElement} */ ($('login-name')).value, /** @type {HTMLInputElement} */ ($('login-password')).value);
      this.operator = s.operator;
      /** @type {HTMLInputElement} */ ($('login-password')).value = '';
      this.show();
    } catch (e) {
      msg.textContent = this.errorText(e);
      msg.dataset.code = e instanceof ApiError ? (e.errors[0]?.code ?? '') : '';
      msg.hidden = false;
      /** @type {HTMLInputElement} */ ($('login-password')).select();
    }
  }

  /** @param {unknown} e */
  errorText(e) {
    if (e instanceof ApiError) return e.offline ? this.t('err.network') : e.text(this.lang) || `HTTP ${e.status}`;
    return String(e);
  }

  async fillPolicies() {
    /** @type {any[]} */
    let list = [];
    if (!this.offline) list = await this.api.policies().catch(() => []);
    if (!list.length) list = JSON.parse(this.engine.call('list_policies', { schema: 1 })).result ?? [];
    const sel = /** @type {HTMLSelectElement} */ ($('policy'));
    sel.replaceChildren(...list.filter((p) => !p.illustrative || true).map((p) => h('option', { value: p.id }, p.name || p.id)));
    $('m-policy').replaceChildren(...[...sel.options].map((o) => h('option', { value: o.value }, o.text)));
    this.fillClasses();
  }

  fillClasses() {
    const env = JSON.parse(this.engine.call('get_policy', { schema: 1, policy: /** @type {HTMLSelectElement} */ ($('policy')).value }));
    const classes = env.ok ? env.result.facilityClasses ?? [] : [];
    $('class').replaceChildren(...classes.map((/** @type {any} */ c) => h('option', { value: c.code }, c.name || c.code)));
  }

  reset() {
    this.card = this.person = this.claim = this.mine = this.theirs = this.req = this.slipData = null;
    this.correcting = 0;
    this.lines = [];
    for (const id of ['card', 'presenter', 'amount-a', 'amount-b', 'amount-self', 'amount-over', 'invoice', 'visit-id', 'reason',
      'correction-reason', 'm-person', 'm-holder', 'm-bank', 'm-card']) {
      /** @type {HTMLInputElement} */ ($(id)).value = '';
    }
    for (const e of document.querySelectorAll('#m-invoices .invoice-row')) if (e.querySelector('#m-inv-0') === null) e.remove();
    /** @type {HTMLInputElement} */ ($('m-inv-0')).value = '';
    /** @type {HTMLInputElement} */ ($('fee-file')).value = '';
    for (const id of ['person', 'bill', 'outcome', 'slip-panel', 'refusal', 'fee-lines', 'correction-field', 'manual-msg']) $(id).hidden = true;
    const manual = this.mode === 'manual';
    $('card-form').hidden = manual;
    $('manual').hidden = !manual;
    $('invoice-field').hidden = manual;
    if (manual) {
      $('bill').hidden = false;
      /** @type {HTMLInputElement} */ ($('visit-id')).value = `SG${Date.now()}`;
    }
  }

  /**
   * switchMode turns the desk to card settlements or to manual claims (手工报销): the
   * patient's ID, the facility from the register, the invoices and the bank card
   * instead of the card; the same bill, presettlement and slip.
   * @param {'card' | 'manual'} mode
   */
  async switchMode(mode) {
    this.mode = mode;
    if (mode === 'manual' && !this.facilities.length) {
      this.facilities = await this.api.facilities().catch(() => []);
      $('m-facility').replaceChildren(...this.facilities.map((f) => h('option', { value: f.code, 'data-class': f.class }, `${f.name}（${f.code}）`)));
      /** @type {HTMLSelectElement} */ ($('m-policy')).value = /** @type {HTMLSelectElement} */ ($('policy')).value;
    }
    this.reset();
    this.facilityClass();
    this.translatePage();
    /** @type {HTMLInputElement} */ ($(mode === 'manual' ? 'm-person' : 'card')).focus();
  }

  /** facilityClass shows the chosen facility's class from the register in the bill. */
  facilityClass() {
    const opt = /** @type {HTMLSelectElement} */ ($('m-facility')).selectedOptions[0];
    if (opt?.dataset.class) /** @type {HTMLSelectElement} */ ($('class')).value = opt.dataset.class;
  }

  addInvoice() {
    const i = document.querySelectorAll('#m-invoices .invoice-row').length;
    const row = h('div', { class: 'row invoice-row' },
      h('div', { class: 'field' }, h('label', { for: `m-inv-${i}`, 'data-t': 'invoiceNo' }, this.t('invoiceNo')), h('input', { id: `m-inv-${i}`, class: 'inv-number', autocomplete: 'off' })),
      h('div', { class: 'field' }, h('label', { for: `m-inv-date-${i}`, 'data-t': 'invoiceDate' }, this.t('invoiceDate')), h('input', { id: `m-inv-date-${i}`, class: 'inv-date', type: 'date' })));
    $('m-invoices').append(row);
    /** @type {HTMLInputElement} */ (row.querySelector('input')).focus();
  }

  /** The manual claim's invoices (rows with a number) and payout as typed. */
  manualParts() {
    const invoices = [...document.querySelectorAll('#m-invoices .invoice-row')].map((r) => ({
      number: /** @type {HTMLInputElement} */ (r.querySelector('.inv-number')).value.trim(),
      date: /** @type {HTMLInputElement} */ (r.querySelector('.inv-date')).value,
    })).filter((i) => i.number !== '');
    const v = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id)).value.trim();
    return { invoices, payout: { holder: v('m-holder'), bank: v('m-bank'), card: v('m-card').replace(/\s/g, '') } };
  }

  /** @returns {Promise<void>} */
  async verify() {
    const number = /** @type {HTMLInputElement} */ ($('card')).value.replace(/\s/g, '');
    const presenter = /** @type {HTMLInputElement} */ ($('presenter')).value.trim().toUpperCase();
    const refusal = $('refusal');
    refusal.hidden = true;
    if (number && !presenter) {
      // The reader's Enter after the card number: on to the presenter's ID.
      /** @type {HTMLInputElement} */ ($('presenter')).focus();
      return;
    }
    if (!number || !presenter) {
      this.refuse([{ code: '', message: this.t(number ? 'err.presenter' : 'err.cardNumber'), messageZh: this.t(number ? 'err.presenter' : 'err.cardNumber') }]);
      return;
    }
    const policy = /** @type {HTMLSelectElement} */ ($('policy')).value;
    const date = /** @type {HTMLInputElement} */ ($('date')).value;
    if (this.offline) {
      // Nothing to check the card against: the estimate proceeds on the ID typed.
      this.card = { valid: true, owner: mask(presenter), enrolled: true, waiting: false, benefitTier: '', offline: true };
      this.showPerson(presenter, null);
      return;
    }
    this.status(this.t('working'));
    try {
      const res = await this.api.verify({ policy, number, presenter, date });
      if (!res.valid) {
        this.refuse(res.problems);
        return;
      }
      this.card = res;
      const person = await this.api.person(presenter).catch(() => null);
      this.showPerson(presenter, person);
    } catch (e) {
      if (e instanceof ApiError && e.offline) {
        this.goOffline();
        return this.verify();
      }
      this.refuse(e instanceof ApiError ? e.errors : [{ code: '', message: String(e), messageZh: String(e) }]);
    } finally {
      this.status(this.t('ready'));
    }
  }

  /** @param {{ code: string, message: string, messageZh: string }[]} problems */
  refuse(problems) {
    const refusal = $('refusal');
    refusal.replaceChildren(h('ul', {}, ...problems.map((p) => h('li', { 'data-code': p.code },
      h('strong', {}, this.lang === 'zh' ? p.messageZh || p.message : p.message), ' ', h('span', { class: 'next' }, this.t(nextStep(p.code)))))));
    refusal.hidden = false;
    $('person').hidden = $('bill').hidden = true;
    /** @type {HTMLInputElement} */ ($('card')).select();
  }

  /** @param {string} id @param {any} person */
  showPerson(id, person) {
    this.person = { id, name: person?.name ?? '', household: person?.household ?? '', category: person?.category ?? '', enrollment: person?.enrollment ?? null, birthDate: person?.birthDate ?? birthDate(id) };
    this.renderPerson();
    const note = $('person-note');
    note.hidden = !!person;
    note.textContent = this.t('notReadable');
    const cat = /** @type {HTMLSelectElement} */ ($('category'));
    if (person?.category) cat.value = person.category;
    cat.disabled = !!person?.category;
    // The register's category is a row of the panel; the choice only when it is unknown.
    $('category-field').hidden = !!person?.category;
    $('person').hidden = false;
    $('bill').hidden = false;
    if (!/** @type {HTMLInputElement} */ ($('visit-id')).value) /** @type {HTMLInputElement} */ ($('visit-id')).value = `V${Date.now()}`;
    /** @type {HTMLInputElement} */ ($('amount-a')).focus();
  }

  async importFees() {
    const input = /** @type {HTMLInputElement} */ ($('fee-file'));
    const f = input.files?.[0];
    const out = $('fee-lines');
    if (!f) return;
    const { lines, problems } = parse(decode(new Uint8Array(await f.arrayBuffer())));
    this.lines = lines;
    out.textContent = problems.length ? problems.map((p) => `#${p.row} ${p.column}: ${p.code}`).join('；')
      : this.t('feeLines', { n: lines.length, total: sum(lines.map((l) => l.amount)) });
    out.hidden = false;
  }

  /** The settle request of what is on the page, or null after showing why not. */
  build() {
    const msg = $('bill-msg');
    msg.hidden = true;
    if (this.mode === 'manual') {
      // No card: the patient's ID as typed; the server takes the person from the register.
      const id = /** @type {HTMLInputElement} */ ($('m-person')).value.trim().toUpperCase();
      if (!id || !/** @type {HTMLSelectElement} */ ($('m-facility')).value) {
        msg.textContent = this.t('err.manual');
        msg.hidden = false;
        return null;
      }
      if (this.person?.id !== id) this.person = { id, name: '', household: '', category: '', enrollment: null, birthDate: birthDate(id) };
      this.card = this.card ?? { benefitTier: '' };
    }
    if (this.correcting && !/** @type {HTMLInputElement} */ ($('correction-reason')).value.trim()) {
      msg.textContent = this.t('err.reason');
      msg.hidden = false;
      /** @type {HTMLInputElement} */ ($('correction-reason')).focus();
      return null;
    }
    let items;
    try {
      items = this.lines.length ? lineItems(this.lines) : categoryItems({
        a: /** @type {HTMLInputElement} */ ($('amount-a')).value, b: /** @type {HTMLInputElement} */ ($('amount-b')).value,
        self: /** @type {HTMLInputElement} */ ($('amount-self')).value, over: /** @type {HTMLInputElement} */ ($('amount-over')).value,
      });
    } catch (e) {
      msg.textContent = this.t('err.amount');
      msg.hidden = false;
      return null;
    }
    const date = /** @type {HTMLInputElement} */ ($(this.mode === 'manual' ? 'admission' : 'date')).value;
    const year = Number(date.slice(0, 4));
    // The server takes the person from the register; the page, when the register is
    // not readable, assumes the year and the year before paid on 1 December.
    const enrollment = this.person.enrollment ?? [year - 1, year].map((y) => ({ year: y, ...(this.card.benefitTier ? { tier: this.card.benefitTier } : {}), paidOn: `${y - 1}-12-01` }));
    const v = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id)).value;
    return request({
      policy: v(this.mode === 'manual' ? 'm-policy' : 'policy'), visitID: v('visit-id'),
      person: { id: this.person.id, category: v('category'), birthDate: this.person.birthDate, enrollment },
      visit: { type: v('type'), institution: this.mode === 'manual' ? v('m-facility') : this.operator?.institution ?? '', class: v('class'),
        admission: v('admission'), discharge: v('discharge'), invoice: this.mode === 'manual' ? '' : v('invoice') },
      items,
    }, this.lang);
  }

  async presettle() {
    const req = this.build();
    if (!req) return;
    this.req = req;
    const env = JSON.parse(this.engine.call('settle', req));
    if (!env.ok) {
      $('bill-msg').textContent = env.errors.map((/** @type {any} */ e) => (this.lang === 'zh' ? e.messageZh : e.message)).join('；');
      $('bill-msg').hidden = false;
      return;
    }
    this.mine = env.result;
    this.theirs = null;
    if (!this.offline) {
      this.status(this.t('working'));
      try {
        // A correction is presettled on the totals without the settlement it replaces.
        const env = await this.api.presettle(req, this.correcting);
        this.theirs = env.result;
        if (env.request) {
          // The server computed on the register's person and the journal's totals:
          // the page computes the very same request, so only the engines can differ.
          const again = JSON.parse(this.engine.call('estimate', env.request));
          if (again.ok) this.mine = again.result;
          this.showRegister(env.request.claim);
        }
      } catch (e) {
        if (e instanceof ApiError && e.offline) this.goOffline();
        else {
          $('bill-msg').textContent = this.errorText(e);
          $('bill-msg').hidden = false;
          return;
        }
      } finally {
        this.status(this.t('ready'));
      }
    }
    this.showOutcome(this.mine, this.theirs);
    // The next key press settles (or prints the estimate): the desk works by keyboard.
    /** @type {HTMLElement} */ ($('settle')).focus();
  }

  /**
   * renderPerson shows the person panel's one list of facts (views.personRows): the
   * card check's, filled in by the register's when the presettlement brings them.
   * @param {any} [claim]
   */
  renderPerson(claim) {
    this.claim = claim ?? null;
    $('person-facts').replaceChildren(...facts(personRows(this.lang, this.person.id, this.card, this.person, claim)));
  }

  /**
   * showRegister fills the person panel with what the server's presettlement used: the
   * name, category and enrollment from the register and the year's totals so far.
   * @param {any} claim
   */
  showRegister(claim) {
    const p = claim.person;
    this.person = { ...this.person, name: p.name || this.person.name, category: p.category || this.person.category,
      enrollment: p.enrollment ?? this.person.enrollment, birthDate: p.birthDate || this.person.birthDate };
    this.renderPerson(claim);
    if (p.category) {
      /** @type {HTMLSelectElement} */ ($('category')).value = p.category;
      $('category-field').hidden = true;
    }
    $('person-note').hidden = true;
  }

  /** @param {any} mine @param {any} theirs */
  showOutcome(mine, theirs) {
    const box = $('outcome');
    const cmp = $('compare');
    const diff = theirs ? differences(mine, theirs) : [];
    box.dataset.state = this.offline ? 'offline' : diff.length ? 'differ' : 'same';
    cmp.className = this.offline ? 'banner offline' : diff.length ? 'banner differ' : 'banner same';
    cmp.textContent = this.offline ? this.t('offline') : diff.length ? `${this.t('differ')} ${diff.map((k) => this.t(`d.${k}`)).join('、')}` : this.t('same');
    $('figures').replaceChildren(figuresTable(this.lang, mine, theirs ?? undefined));
    $('settle').textContent = this.t(this.offline ? 'print' : this.correcting ? 'correctSettle' : this.mode === 'manual' ? 'manualSettle' : 'settle');
    box.hidden = false;
  }

  async settle() {
    if (!this.req) return;
    if (this.offline) {
      this.slipData = { result: this.mine, person: this.person, facility: this.operator?.institution ?? '', operator: this.operator?.name ?? '', visit: this.req.claim.visit };
      this.showSlip();
      return;
    }
    this.status(this.t('working'));
    try {
      const reason = /** @type {HTMLInputElement} */ ($('correction-reason')).value.trim();
      let manual = null;
      let env;
      if (this.correcting) env = await this.api.correct(this.correcting, reason, this.req);
      else if (this.mode === 'manual') {
        const parts = this.manualParts();
        env = await this.api.manualClaim({ request: this.req, ...parts });
        manual = env.manual;
      } else env = await this.api.settle(this.req);
      const corrected = this.correcting;
      this.correcting = 0;
      const diff = differences(this.mine, env.result);
      this.theirs = env.result;
      this.showOutcome(this.mine, env.result);
      this.slipData = { result: env.result, settlement: env.settlement, person: this.person, facility: this.req.claim.visit.institution,
        operator: `${this.operator.name}（${this.operator.login}）`, visit: this.req.claim.visit, reversal: null, differ: diff,
        reason: corrected ? reason : undefined, manual };
      this.showSlip();
    } catch (e) {
      if (e instanceof ApiError && e.offline) {
        // Not recorded: print the page's estimate marked 未结算.
        this.goOffline();
        this.showOutcome(this.mine, null);
        return;
      }
      $('compare').className = 'banner differ';
      $('compare').textContent = this.errorText(e);
    } finally {
      this.status(this.t('ready'));
    }
  }

  showSlip() {
    const d = this.slipData;
    $('slip').replaceChildren(...slip(this.lang, d).filter((x) => x !== null));
    $('slip').dataset.state = d.reversal || d.correctedBy ? 'reversed' : d.settlement ? 'settled' : 'estimate';
    $('slip-panel').hidden = false;
    // Shown to every operator: the server decides by role, and says so in its own words.
    $('reverse-form').hidden = !d.settlement || !!d.reversal || !!d.correctedBy;
    // A correction reopens the bill on this page: not for a reprint, whose bill is not here.
    $('correct').hidden = !d.settlement || !!d.reversal || !!d.reprinted;
    for (const id of ['card-form', 'manual', 'person', 'bill', 'outcome']) $(id).hidden = true;
    /** @type {HTMLElement} */ ($('print')).focus();
  }

  /**
   * startCorrection reopens the bill of the settlement on the slip: the corrected bill
   * keeps its visit id and replaces it (POST /v1/settlements/{seq}/correction).
   */
  startCorrection() {
    this.correcting = this.slipData.settlement.seq;
    this.slipData = null;
    $('slip-panel').hidden = true;
    $('outcome').hidden = true;
    $('person').hidden = this.mode === 'manual';
    $('manual').hidden = this.mode !== 'manual';
    $('bill').hidden = false;
    $('correction-field').hidden = false;
    /** @type {HTMLInputElement} */ ($('correction-reason')).focus();
  }

  async reverse() {
    const reason = /** @type {HTMLInputElement} */ ($('reason')).value.trim();
    const msg = $('reverse-msg');
    msg.hidden = true;
    try {
      const env = await this.api.reverse(this.slipData.settlement.seq, reason);
      this.slipData.reversal = { seq: env.settlement.seq, reason };
      this.showSlip();
    } catch (e) {
      msg.textContent = this.errorText(e);
      msg.hidden = false;
    }
  }

  /**
   * reprint shows the slip of a settlement number (补打), from any session of the
   * institution (or the county's): the server's record with its reversal, correction
   * and manual claim, marked 补打 with the time of the reprint.
   */
  async reprint() {
    const seq = Number(/** @type {HTMLInputElement} */ ($('reprint-seq')).value.trim());
    if (!Number.isInteger(seq) || seq < 1) return;
    this.status(this.t('working'));
    try {
      let e = await this.api.entry(seq);
      // A reversal's number reprints the settlement it reversed.
      if (e.kind === 'reversal') e = await this.api.entry(e.reverses);
      const now = new Date();
      const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
      const at = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
      this.slipData = slipFromEntry(e, at);
      this.showSlip();
    } catch (e) {
      this.slipData = null;
      $('slip').replaceChildren(h('p', { class: 'msg', role: 'alert', id: 'reprint-msg' }, this.errorText(e)));
      $('slip').dataset.state = 'error';
      $('slip-panel').hidden = false;
      $('reverse-form').hidden = $('correct').hidden = true;
    } finally {
      this.status(this.t('ready'));
    }
  }

}

new Desk().start().catch((e) => console.error(e));
