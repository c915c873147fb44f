// @ts-check
// api.js: the county server's routes the console uses, on the desk's client (the
// same session cookie, CSRF token and error envelope).
import { Client, ApiError } from '../desk/api.js';

export { ApiError };

/** The settlement search's filters, as GET /v1/settlements names them. */
export const settlementFilters = /** @type {const} */ (['settledFrom', 'settledTo', 'visitFrom', 'visitTo', 'institution',
  'township', 'village', 'person', 'household', 'visitType', 'status', 'minTotal', 'maxTotal']);

/**
 * query builds a query string of the filters that have a value (and the cursor),
 * in the filters' order; "" when none has.
 * @param {Record<string, string | undefined>} filters
 * @param {string} [cursor]
 * @returns {string}
 */
export function query(filters, cursor) {
  const q = new URLSearchParams();
  for (const k of settlementFilters) {
    const v = (filters[k] ?? '').trim();
    if (v) q.set(k, v);
  }
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** ConsoleClient adds the county office's routes to the desk's client. */
export class ConsoleClient extends Client {
  /**
   * settlements returns one page of GET /v1/settlements: { items, limit, next }.
   * @param {Record<string, string | undefined>} filters
   * @param {string} [cursor]
   */
  async settlements(filters, cursor) { return (await this.send('GET', `/v1/settlements${query(filters, cursor)}`)).result; }
  /** @param {number} seq */
  async entry(seq) { return (await this.send('GET', `/v1/settlements/${seq}`)).result; }
  /** @param {string} id @param {string} [year]  the totals' year, the server's current one when absent */
  async personRecord(id, year) { return (await this.send('GET', `/v1/persons/${encodeURIComponent(id)}/record${year ? `?year=${year}` : ''}`)).result; }
  /** @param {string} id @param {string} [year] */
  async householdRecord(id, year) { return (await this.send('GET', `/v1/households/${encodeURIComponent(id)}/record${year ? `?year=${year}` : ''}`)).result; }
  /**
   * cardEvent records a counter action on a card and returns the card as it then stands.
   * @param {string} number
   * @param {{ event: string, date: string, reason?: string, owner?: string }} ev
   */
  async cardEvent(number, ev) { return (await this.send('POST', `/v1/cards/${encodeURIComponent(number)}/events`, ev)).result; }
  /**
   * auditFlags returns one page of GET /v1/reports/audit/flags.
   * @param {string} month  YYYY-MM
   * @param {string} [code]
   * @param {string} [cursor]
   */
  async auditFlags(month, code, cursor) {
    const q = new URLSearchParams({ month });
    if (code) q.set('code', code);
    if (cursor) q.set('cursor', cursor);
    return (await this.send('GET', `/v1/reports/audit/flags?${q}`)).result;
  }
}
