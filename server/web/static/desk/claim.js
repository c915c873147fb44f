// @ts-check
// claim.js: the settle request the desk sends, built from what the cashier entered,
// and the comparison of the page's result with the server's.
import { fen, normalise } from './money.js';

/** @typedef {import('./feelist.js').Line} Line */
/** @typedef {{ a: string, b: string, self: string, over: string }} CategoryTotals */

/**
 * categoryItems turns the bill's category totals (甲类/乙类/全自费/超限价) into the
 * claim's items; an empty field is 0. The part above the price limit is an item of
 * its own wholly over the limit. Throws a RangeError naming the field of a bad amount.
 * @param {CategoryTotals} t
 * @returns {{ code: string, kind: string, class: string, amount: string, overLimit?: string }[]}
 */
export function categoryItems(t) {
  const items = [];
  for (const [field, code, cls] of /** @type {const} */ ([['a', 'A', 'A'], ['b', 'B', 'B'], ['self', 'SELF', 'self'], ['over', 'OVER', 'A']])) {
    const raw = t[field] ?? '';
    if (raw.trim() === '') continue;
    const amount = normalise(raw);
    if (amount === null) throw new RangeError(field);
    if (fen(amount) === 0n) continue;
    items.push(field === 'over' ? { code, kind: 'other', class: cls, amount, overLimit: amount } : { code, kind: 'other', class: cls, amount });
  }
  return items;
}

/**
 * lineItems turns imported fee-list lines into the claim's items.
 * @param {Line[]} lines
 */
export function lineItems(lines) {
  return lines.map((l) => (l.name ? { code: l.code, name: l.name, kind: l.kind, class: l.class, amount: l.amount }
    : { code: l.code, kind: l.kind, class: l.class, amount: l.amount }));
}

/**
 * birthDate reads the birth date out of an 18-character resident ID.
 * @param {string} id
 * @returns {string}
 */
export function birthDate(id) {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dXx]$/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : '';
}

/**
 * mask shows a resident ID as the slip prints it: the first 6 and last 4 characters.
 * @param {string} id
 */
export function mask(id) {
  return id.length > 10 ? id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4) : id;
}

/**
 * @typedef {object} Desk
 * @property {string} policy
 * @property {string} visitID
 * @property {{ id: string, name?: string, category: string, birthDate: string, enrollment: object[] }} person
 * @property {{ type: string, institution: string, class: string, admission: string, discharge: string, invoice?: string }} visit
 * @property {object[]} items
 */

/**
 * request is the settle request of the desk's claim. The server fills in the
 * registry's person and the recorded totals; the page's own calculation uses the
 * totals given (the year's so far, zero when unknown). lang asks the engine for its
 * explanation in the page's language (the slip prints the engine's own sentences).
 * @param {Desk} d
 * @param {'zh' | 'en'} lang
 * @param {object} [totals]
 */
export function request(d, lang, totals) {
  const visit = { ...d.visit, referral: false };
  if (!visit.invoice) delete visit.invoice;
  return {
    schema: 1, policy: d.policy, lang,
    claim: {
      id: d.visitID, person: d.person, visit, items: d.items,
      totals: totals ?? { year: 0, funds: [], admissions: [], familyAccount: '0' },
    },
  };
}

/** The figures compared and printed, in the slip's order. */
export const figures = /** @type {const} */ (['total', 'selfPaid', 'overLimit', 'preSelfPay', 'scope', 'deductible',
  'effectiveRatio', 'fundTotal', 'familyAccount', 'cash', 'hospital']);

/**
 * differences lists every figure, fund and explanation step where two results
 * differ: the page's and the server's must be the same.
 * @param {any} mine
 * @param {any} theirs
 * @returns {string[]}
 */
export function differences(mine, theirs) {
  const out = [];
  for (const k of figures) if (mine?.[k] !== theirs?.[k]) out.push(k);
  const f = (/** @type {any} */ r) => JSON.stringify((r?.funds ?? []).map((/** @type {any} */ x) => [x.fund, x.amount]));
  if (f(mine) !== f(theirs)) out.push('funds');
  if (mine?.policy?.hash !== theirs?.policy?.hash) out.push('policy');
  if (JSON.stringify(mine?.trace ?? []) !== JSON.stringify(theirs?.trace ?? [])) out.push('trace');
  return out;
}
