// @ts-check
// views.js: the desk's DOM: small builders and the panels that show a person, a
// result and the slip. Amounts are shown as the engine wrote them.
import { translate } from './i18n.js';
import { figures, mask } from './claim.js';
import { percent } from './money.js';

/**
 * h builds an element; attributes named on* are not set (the CSP forbids inline handlers).
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/** @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * facts renders label–value pairs as a description list's children.
 * @param {[string, string, string?][]} rows  [label, value, key]
 */
export function facts(rows) {
  return rows.flatMap(([label, value, key]) => [h('dt', {}, label), h('dd', key ? { 'data-key': key } : {}, value)]);
}

/**
 * figure shows one of a result's figures as the cashier reads it: the effective ratio
 * as a percentage (exact, from its decimal string), the rest as the engine wrote them.
 * @param {string} key
 * @param {string | undefined} value
 */
export function figure(key, value) {
  return key === 'effectiveRatio' && value != null && value !== '' ? percent(value) : value ?? '';
}

/**
 * personRows is the person panel's one list of facts: the card check's first, then
 * what the register gives (at the lookup, or with the presettlement's request), each
 * fact once under a stable data-key. A fact not known (yet) has no row, rather than "—".
 * @param {'zh' | 'en'} lang
 * @param {string} id  the presenter's resident ID
 * @param {any} card  the card check (verify's answer)
 * @param {any} person  what is known of the person: name, household, category, enrollment
 * @param {any} [claim]  the presettlement's claim as the server computed it (register and totals)
 * @returns {[string, string, string][]}  [label, value, key]
 */
export function personRows(lang, id, card, person, claim) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  const yn = (/** @type {unknown} */ b) => (typeof b === 'boolean' ? t(b ? 'yes' : 'no') : '');
  const years = (person?.enrollment ?? []).map((/** @type {any} */ y) => `${y.year}${y.tier ? `（${y.tier}）` : ''}`);
  const rows = /** @type {[string, string, string][]} */ ([
    [t('name'), person?.name ?? '', 'name'],
    [t('residentID'), card?.owner || mask(id), 'owner'],
    [t('household'), person?.household ?? '', 'household'],
    [t('category'), person?.category ? t(`cat.${person.category}`) : '', 'category'],
    [t('enrolled'), yn(card?.enrolled), 'enrolled'],
    [t('waiting'), yn(card?.waiting), 'waiting'],
    [t('tier'), card?.benefitTier ?? '', 'tier'],
    [t('benefitsFrom'), card?.benefitsFrom ?? '', 'benefitsFrom'],
    [t('enrollmentYears'), years.join('、'), 'years'],
  ]);
  if (claim?.totals) {
    rows.push([t('stays'), String((claim.totals.admissions ?? []).reduce((/** @type {number} */ n, /** @type {any} */ a) => n + a.count, 0)), 'stays']);
    for (const f of claim.totals.funds ?? []) rows.push([`${f.name || f.fund} ${t('fundUsed')}`, String(f.paid ?? ''), `used:${f.fund}`]);
  }
  return rows.filter(([, value]) => value !== '');
}

/**
 * figuresTable shows a result's amounts, each fund and what it has left this year.
 * @param {'zh' | 'en'} lang
 * @param {any} r  a settle result
 * @param {any} [other]  the server's result beside it, when comparing
 */
export function figuresTable(lang, r, other) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  const head = h('tr', {}, h('th', {}), h('th', { scope: 'col' }, t('pageFigure')), other ? h('th', { scope: 'col' }, t('serverFigure')) : null);
  const rows = figures.map((k) => h('tr', { 'data-key': k, class: other && other[k] !== r[k] ? 'differs' : undefined },
    h('th', { scope: 'row' }, t(`d.${k}`)), h('td', { 'data-value': r[k] }, figure(k, r[k])), other ? h('td', { 'data-value': other[k] }, figure(k, other[k])) : null));
  const funds = (r.funds ?? []).map((/** @type {any} */ f, /** @type {number} */ i) => {
    const o = other?.funds?.[i];
    return h('tr', { 'data-fund': f.fund, class: o && o.amount !== f.amount ? 'differs' : undefined },
      h('th', { scope: 'row' }, `${f.name || f.fund}${f.cap != null ? `（${t('fundCap')} ${f.cap}，${t('fundPaidBefore')} ${f.paidBefore}，${t('fundLeftAfter')} ${f.left}）` : ''}`),
      h('td', { 'data-value': f.amount }, f.amount), other ? h('td', {}, o?.amount ?? '') : null);
  });
  return h('table', { class: 'figures' }, h('thead', {}, head), h('tbody', {}, ...rows, ...funds));
}

/**
 * explanation is the engine's own explanation of a result: each trace step's sentence
 * and the clause of the scheme it cites, as the engine wrote them for the request's
 * lang (the page asks in its own language; see claim.request).
 * @param {'zh' | 'en'} lang
 * @param {any} r
 */
export function explanation(lang, r) {
  const cite = lang === 'zh' ? (/** @type {string} */ c) => `（${c}）` : (/** @type {string} */ c) => ` (${c})`;
  return h('ol', { class: 'steps' }, ...(r.trace ?? []).filter((/** @type {any} */ s) => s.text)
    .map((/** @type {any} */ s) => h('li', {}, s.clause ? s.text + cite(s.clause) : s.text)));
}

/**
 * @typedef {object} SlipData
 * @property {any} result  the engine's result (the server's when settled)
 * @property {any} [settlement]  the server's receipt; absent for an offline estimate
 * @property {{ id: string, name?: string }} person
 * @property {string} facility
 * @property {string} operator
 * @property {{ admission: string, discharge: string, invoice?: string }} visit
 * @property {{ seq: number, reason: string } | null} [reversal]
 * @property {string} [reason]  a correcting settlement's reason
 * @property {string} [correctedReason]  why this settlement was corrected
 * @property {number} [correctedBy]  the settlement that replaced this one
 * @property {string} [reprinted]  when the slip was reprinted (补打)
 * @property {{ invoices: { number: string, date: string }[], payout: { holder: string, bank: string, card: string } } | null} [manual]
 *   a manual claim's (手工报销) receipts and the bank card paid to, the card masked by the server
 */

/**
 * slipFromEntry is the slip of a journal entry as GET /v1/settlements/{seq} gives it
 * (a reprint, 补打, at the time given): the server's result, receipt, reversal,
 * correction and manual claim.
 * @param {any} e  the entry
 * @param {string} reprinted  the reprint's time, as printed
 * @returns {SlipData}
 */
export function slipFromEntry(e, reprinted) {
  const claim = e.request?.claim ?? {};
  return {
    result: e.result,
    settlement: { seq: e.seq, recorded: e.recorded, corrects: e.corrects || undefined },
    person: { id: e.person, name: claim.person?.name ?? '' },
    facility: e.institution,
    operator: e.operatorName ? `${e.operatorName}（${e.operator}）` : e.operator || e.key || '',
    visit: { admission: e.admission, discharge: e.discharge, invoice: e.manual ? undefined : e.invoice },
    reversal: e.reversedBy && !e.correctedBy ? { seq: e.reversedBy.seq, reason: e.reversedBy.reason } : null,
    reason: e.corrects ? e.reason : undefined,
    correctedBy: e.correctedBy || undefined,
    correctedReason: e.correctedBy ? e.reversedBy?.reason : undefined,
    reprinted,
    manual: e.manual ?? null,
  };
}

/**
 * slip renders the settlement slip (结算单), or the estimate slip marked 未结算 when
 * there is no settlement.
 * @param {'zh' | 'en'} lang
 * @param {SlipData} d
 */
export function slip(lang, d) {
  const t = (/** @type {string} */ k, /** @type {Record<string, string | number>} */ v = {}) => translate(lang, k, v);
  const r = d.result;
  const settled = !!d.settlement;
  const rows = /** @type {[string, string, string?][]} */ ([]);
  // The name only when the register gave it: a cashier's session reads the card check.
  if (d.person.name) rows.push([t('name'), d.person.name]);
  rows.push(
    [t('residentID'), mask(d.person.id)],
    [t('institution'), d.facility],
    [t('dates'), `${d.visit.admission} — ${d.visit.discharge}`],
  );
  if (d.visit.invoice) rows.push([t('invoice'), d.visit.invoice]);
  for (const inv of d.manual?.invoices ?? []) rows.push([t('invoice'), `${inv.number}（${t('invoiceDate')} ${inv.date}）`, 'invoice']);
  for (const k of figures) rows.push([t(`d.${k}`), figure(k, r[k]), k]);
  for (const f of r.funds ?? []) rows.push([f.name || f.fund, f.amount, `fund:${f.fund}`]);
  if (settled) {
    rows.push([t('settledNo'), String(d.settlement.seq), 'seq']);
    rows.push([t('recorded'), String(d.settlement.recorded ?? '').replace('T', ' ').replace(/\..*|Z$/, '')]);
    if (d.settlement.corrects) rows.push([t('corrects'), String(d.settlement.corrects), 'corrects']);
    if (d.reason) rows.push([t('correctionReason'), d.reason, 'correction-reason']);
    if (d.settlement.refund != null) rows.push([t('refund'), String(d.settlement.refund), 'refund']);
  }
  if (d.manual) {
    // The fund's share goes to the patient's bank card, not across the counter.
    rows.push([t('payoutTo'), `${r.fundTotal}`, 'payout-amount'],
      [t('holder'), d.manual.payout.holder], [t('bank'), d.manual.payout.bank], [t('bankCard'), d.manual.payout.card, 'bank-card']);
  }
  rows.push([t('operator'), d.operator]);
  rows.push([t('policyVersion'), `${r.policy.id} ${r.policy.version}`]);
  rows.push([t('policyHash'), r.policy.hash]);
  return [
    h('h2', {}, !settled ? t('slipEstimate') : d.manual ? t('slipManual') : t('slipTitle')),
    settled ? null : h('p', { class: 'stamp', 'data-state': 'estimate' }, t('notSettled')),
    d.manual ? h('p', { class: 'stamp manual', 'data-state': 'manual' }, t('manualStamp')) : null,
    d.reprinted ? h('p', { class: 'stamp reprint', 'data-state': 'reprint' }, `${t('reprint')}（${t('reprintedAt')} ${d.reprinted}）`) : null,
    d.reversal ? h('p', { class: 'stamp reversed' }, `${t('reversed')}：${t('reversedBy', { seq: d.reversal.seq, reason: d.reversal.reason })}`) : null,
    d.correctedBy ? h('p', { class: 'stamp reversed', 'data-state': 'corrected' }, t('correctedBy', { seq: d.correctedBy, reason: d.correctedReason ?? '' })) : null,
    h('dl', { class: 'facts' }, ...facts(rows)),
    h('h3', {}, t('explanation')),
    explanation(lang, r),
    h('p', { class: 'signature' }, t('signature'), h('span', { class: 'line' })),
  ];
}
