// @ts-check
// feelist.js: a fee list (费用清单) exported by a pharmacy or HIS system as CSV, in
// UTF-8 or GBK, read into bill lines with their catalogue class.
import { normalise } from './money.js';

/** @typedef {{ code: string, name: string, kind: string, class: string, amount: string }} Line */
/** @typedef {{ row: number, column: string, code: string }} Problem */

/**
 * decode reads the file's bytes: UTF-8 when they are valid UTF-8 (a BOM is dropped),
 * otherwise GBK (GB18030, its superset, which every browser and Node decode).
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function decode(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** Header names, Chinese and English, by column. */
const headers = {
  code: ['项目编码', '编码', '项目代码', 'code'],
  name: ['项目名称', '名称', 'name'],
  class: ['类别', '甲乙类', '医保类别', 'class'],
  kind: ['费用类型', '费用类别', 'kind'],
  amount: ['金额', '总金额', 'amount'],
};

/** Catalogue classes as fee lists write them, to the engine's. */
const classes = /** @type {Record<string, string>} */ ({
  甲: 'A', 甲类: 'A', A: 'A', a: 'A', 乙: 'B', 乙类: 'B', B: 'B', b: 'B',
  丙: 'self', 丙类: 'self', 自费: 'self', 全自费: 'self', self: 'self',
});

const kinds = /** @type {Record<string, string>} */ ({
  药品: 'drug', 西药: 'drug', 中成药: 'drug', 中草药: 'drug', 检查: 'exam', 化验: 'exam', 治疗: 'treatment', 手术: 'treatment',
  材料: 'material', 床位: 'bed', 床位费: 'bed', 护理: 'service', 其他: 'other',
  drug: 'drug', exam: 'exam', treatment: 'treatment', material: 'material', bed: 'bed', service: 'service', other: 'other',
});

/**
 * fields splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF) into rows.
 * @param {string} text
 * @returns {string[][]}
 */
export function fields(text) {
  /** @type {string[][]} */
  const rows = [];
  let row = /** @type {string[]} */ ([]), f = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') quoted = false; else f += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(f); rows.push(row); row = []; f = '';
    } else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

/**
 * parse reads a fee list: a header row naming at least the amount and class columns,
 * then one line a row. Every problem is listed by row (1 is the first after the
 * header) and column; lines are returned only when there is none.
 * @param {string} text
 * @returns {{ lines: Line[], problems: Problem[] }}
 */
export function parse(text) {
  const rows = fields(text.replace(/^\uFEFF/, ''));
  /** @type {Problem[]} */
  const problems = [];
  if (rows.length === 0) return { lines: [], problems: [{ row: 0, column: '', code: 'field_required' }] };
  const head = rows[0].map((h) => h.trim());
  /** @type {Record<string, number>} */
  const at = {};
  for (const [col, names] of Object.entries(headers)) {
    at[col] = head.findIndex((h) => names.includes(h));
  }
  for (const col of ['amount', 'class']) {
    if (at[col] < 0) problems.push({ row: 0, column: col, code: 'field_required' });
  }
  if (problems.length) return { lines: [], problems };
  /** @type {Line[]} */
  const lines = [];
  rows.slice(1).forEach((r, i) => {
    const n = i + 1;
    const get = (/** @type {string} */ col) => (at[col] >= 0 ? (r[at[col]] ?? '').trim() : '');
    const amount = normalise(get('amount'));
    const cls = classes[get('class')];
    if (amount === null) problems.push({ row: n, column: 'amount', code: 'amount_invalid' });
    if (!cls) problems.push({ row: n, column: 'class', code: 'field_invalid' });
    lines.push({ code: get('code') || `L${n}`, name: get('name'), kind: kinds[get('kind')] ?? 'other', class: cls ?? '', amount: amount ?? '' });
  });
  return problems.length ? { lines: [], problems } : { lines, problems };
}
