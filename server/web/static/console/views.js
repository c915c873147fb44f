// @ts-check
// views.js: the console's DOM: the settlement list, a settlement's facts, a person's
// and a household's page of record, cards with their history, the audit flags.
// Amounts are shown as the server wrote them; explanations and flag messages are the
// engine's and the server's own words.
import { translate } from './i18n.js';
import { h, facts } from '../desk/views.js';

/** @typedef {import('./i18n.js').Lang} Lang */

/**
 * cell is a table cell holding its raw value in data-value, for tests and copying.
 * @param {string} key
 * @param {string | Node} content
 * @param {string} [value]
 */
function cell(key, content, value) {
  return h('td', { 'data-key': key, 'data-value': value }, content);
}

/** @param {string} t  an RFC 3339 instant, shown as the county's date and time */
export function when(t) {
  return String(t ?? '').replace('T', ' ').replace(/\.\d+/, '').replace(/(Z|[+-]\d\d:\d\d)$/, '');
}

/** @param {string} seq */
export const settlementHref = (seq) => `#settlement/${seq}`;
/** @param {string} id */
export const personHref = (id) => `#person/${encodeURIComponent(id)}`;
/** @param {string} id @param {string} [year] */
export const householdHref = (id, year) => `#household/${encodeURIComponent(id)}${year ? `/${year}` : ''}`;

/**
 * settlementsTable lists settlements (the items of GET /v1/settlements), each row
 * linking to its detail and its person.
 * @param {Lang} lang
 * @param {any[]} items
 */
export function settlementsTable(lang, items) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  const head = h('tr', {}, ...['c.seq', 'c.recorded', 'c.institution', 'c.person', 'c.visitType', 'c.dates', 'c.total', 'c.fundTotal', 'c.cash', 'c.status']
    .map((k) => h('th', { scope: 'col' }, t(k))));
  const rows = items.map((it) => h('tr', { 'data-seq': String(it.seq), 'data-status': it.status },
    cell('seq', h('a', { href: settlementHref(String(it.seq)) }, String(it.seq))),
    cell('recorded', when(it.recorded)),
    cell('institution', it.institution),
    cell('person', h('a', { href: personHref(it.person) }, it.person), it.person),
    cell('visitType', t(`vt.${it.visitType}`), it.visitType),
    cell('dates', it.discharge && it.discharge !== it.admission ? `${it.admission} — ${it.discharge}` : it.admission),
    cell('total', it.total, it.total),
    cell('fundTotal', it.fundTotal, it.fundTotal),
    cell('cash', it.cash, it.cash),
    cell('status', h('span', { class: `badge ${it.status}` }, t(`st.${it.status}`)), it.status)));
  return h('table', { class: 'list' }, h('thead', {}, head), h('tbody', {}, ...rows));
}

/**
 * entryFacts are a settlement's facts beside its slip: status and links, the visit,
 * who recorded it.
 * @param {Lang} lang
 * @param {any} e  the entry (GET /v1/settlements/{seq})
 * @param {any} [row]  its row in a list, for the status and links
 * @returns {HTMLElement[]}
 */
export function entryFacts(lang, e, row) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  /** @type {[string, string, string?][]} */
  const rows = [
    [t('c.status'), row ? t(`st.${row.status}`) : '', 'status'],
    [t('c.recorded'), when(e.recorded), 'recorded'],
    [t('c.institution'), e.institution, 'institution'],
    [t('c.visit'), e.visit, 'visit'],
    [t('c.visitType'), t(`vt.${e.visitType}`), 'visitType'],
    [t('c.person'), e.person, 'person'],
    [t('c.household'), e.household, 'household'],
    [t('c.township'), e.township, 'township'],
    [t('c.disease'), e.disease, 'disease'],
    [t('c.operator'), e.operator || e.key, 'operator'],
  ];
  const out = facts(rows.filter(([, v]) => v));
  /** @param {string} label @param {number} seq @param {string} key */
  const link = (label, seq, key) => [h('dt', {}, label), h('dd', { 'data-key': key }, h('a', { href: settlementHref(String(seq)) }, String(seq)))];
  if (e.corrects) out.push(...link(t('c.corrects'), e.corrects, 'corrects'));
  if (row?.reversedBy) out.push(...link(t('c.reversedBy'), row.reversedBy, 'reversedBy'));
  if (row?.correctedBy) out.push(...link(t('c.correctedBy'), row.correctedBy, 'correctedBy'));
  return out;
}

/**
 * personFacts are a person's registry entry: name, ID, household, category, birth.
 * @param {Lang} lang
 * @param {any} p  the person
 * @param {any} [hh]  their household
 * @param {string} [year]  the year the record shows, kept by the household's link
 */
export function personFacts(lang, p, hh, year) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  const out = facts(/** @type {[string, string, string][]} */ ([
    [t('c.name'), p.name, 'name'],
    [t('c.person'), p.id, 'id'],
    [t('c.category'), p.category ? t(`cat.${p.category}`) : '', 'category'],
    [t('c.birth'), p.birthDate ?? '', 'birth'],
    [t('c.township'), hh?.township ?? '', 'township'],
    [t('c.village'), hh?.village ?? '', 'village'],
    [t('c.address'), hh?.address ?? '', 'address'],
  ]).filter(([, v]) => v));
  out.push(h('dt', {}, t('c.household')), h('dd', { 'data-key': 'household' }, h('a', { href: householdHref(p.household, year) }, p.household)));
  return out;
}

/**
 * enrollmentTable lists a person's enrollment years.
 * @param {Lang} lang
 * @param {any[]} years
 */
export function enrollmentTable(lang, years) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  return h('table', { class: 'list compact', 'data-part': 'enrollment' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('c.years')), h('th', { scope: 'col' }, t('c.paidOn')), h('th', { scope: 'col' }, t('c.tier')))),
    h('tbody', {}, ...(years ?? []).map((y) => h('tr', { 'data-year': String(y.year) },
      h('td', {}, String(y.year)), h('td', {}, y.paidOn ?? ''), h('td', {}, y.tier ?? '')))));
}

/**
 * totalsTable shows the year's payments per fund against each cap, as the server
 * computed them from the journal and the policy.
 * @param {Lang} lang
 * @param {any} totals  the record's totals view
 */
export function totalsTable(lang, totals) {
  const t = (/** @type {string} */ k, /** @type {Record<string, string | number>} */ v = {}) => translate(lang, k, v);
  const stays = (totals.admissions ?? []).reduce((/** @type {number} */ n, /** @type {any} */ a) => n + a.count, 0);
  const funds = totals.funds ?? [];
  return h('div', { class: 'totals' },
    h('h3', {}, t('c.totalsTitle', { year: totals.year })),
    funds.length ? null : h('p', { class: 'note', 'data-part': 'no-totals' }, t('c.noPaid')),
    funds.length === 0 ? null : h('table', { class: 'list compact', 'data-part': 'totals' },
      h('thead', {}, h('tr', {}, ...['c.fund', 'c.paid', 'c.visits', 'c.cap', 'c.remaining'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, ...funds.map((/** @type {any} */ f) => h('tr', { 'data-fund': f.fund },
        h('th', { scope: 'row' }, f.name || f.fund),
        cell('paid', f.paid, f.paid),
        cell('visits', String(f.visits), String(f.visits)),
        cell('cap', f.cap != null ? `${f.cap}${f.capBonus ? t('c.capBonus') : ''}` : t('c.noCap'), f.cap ?? ''),
        cell('remaining', f.remaining ?? '—', f.remaining ?? ''))))),
    h('dl', { class: 'facts' }, ...facts([[t('c.admissions'), String(stays), 'stays'], [t('c.familyAccount'), totals.familyAccount ?? '0', 'familyAccount']])));
}

/**
 * cardHistory shows a card as it stands and its events, oldest first, with the
 * reason each was recorded for.
 * @param {Lang} lang
 * @param {any} c  a card history { card, events }
 */
export function cardHistory(lang, c) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  const card = c.card;
  return [
    h('dl', { class: 'facts' }, ...facts([
      [t('c.cardNumber'), card.number, 'number'],
      [t('c.cardStatus'), t(`cs.${card.status}`), 'status'],
      [t('c.issued'), card.issued ?? '', 'issued'],
      ...(card.certificate ? [/** @type {[string, string, string]} */ ([t('c.certificate'), card.certificate, 'certificate'])] : []),
    ])),
    h('table', { class: 'list compact', 'data-part': 'history' },
      h('thead', {}, h('tr', {}, ...['c.eventDate', 'c.event', 'c.cardStatus', 'c.why', 'c.recordedAt', 'c.by'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, ...(c.events ?? []).map((/** @type {any} */ ev) => h('tr', { 'data-event': ev.event },
        h('td', {}, ev.date), h('td', {}, t(`ev.${ev.event}`)), h('td', {}, t(`cs.${ev.status}`)),
        cell('reason', ev.reason ?? '', ev.reason ?? ''), h('td', {}, when(ev.recorded)), h('td', {}, ev.key ?? ''))))),
  ];
}

/**
 * flagsTable lists audit flags, each with the server's own message and links to
 * the settlements involved.
 * @param {Lang} lang
 * @param {any[]} flags
 */
export function flagsTable(lang, flags) {
  const t = (/** @type {string} */ k) => translate(lang, k);
  return h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, ...['c.code', 'c.institution', 'c.person', 'c.entries', 'c.message'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, ...flags.map((f) => h('tr', { 'data-code': f.code },
      cell('code', t(`fl.${f.code}`), f.code),
      cell('institution', f.institution ?? ''),
      cell('person', f.person ? h('a', { href: personHref(f.person) }, f.person) : '', f.person ?? ''),
      cell('seqs', h('span', {}, ...(f.seqs ?? []).flatMap((/** @type {number} */ s, /** @type {number} */ i) =>
        [i ? ' ' : '', h('a', { href: settlementHref(String(s)) }, String(s))]))),
      cell('message', lang === 'zh' ? f.messageZh || f.message : f.message)))));
}
