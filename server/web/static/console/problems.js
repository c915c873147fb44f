// @ts-check
// problems.js: an import's problems as a clerk finds them in the spreadsheet: the
// sheet's row number (the header is row 1) and the column's name, from the JSON
// pointer the server gives each problem.
import { t } from './words.js';

/** @typedef {import('../desk/i18n.js').Lang} Lang */
/** @typedef {'roster' | 'facilities'} Kind */
/** @typedef {{ code: string, path: string, message: string, messageZh: string }} Problem */

/**
 * firstRow is the index a kind's problem paths give the first data row: the roster's
 * /rows/{i} counts from 0 (a JSON pointer into the rows), the facility register's
 * /rows/{n} from 1.
 * @type {Record<Kind, number>}
 */
export const firstRow = { roster: 0, facilities: 1 };

/**
 * locate reads a problem's path: the sheet row (2 for the first data row, 1 for the
 * header, null for the whole file) and the column (null for the whole row).
 * @param {string} path
 * @param {Kind} kind
 * @returns {{ row: number | null, column: string | null }}
 */
export function locate(path, kind) {
  const parts = path.split('/').slice(1);
  if (parts[0] === 'rows' && parts.length >= 2 && /^\d+$/.test(parts[1] ?? '')) {
    return { row: Number(parts[1]) - firstRow[kind] + 2, column: parts[2] ?? null };
  }
  if (parts[0] === 'header') return { row: 1, column: parts[1] ?? null };
  return { row: null, column: null };
}

/**
 * columnName is a column's name as the sheet's header has it in Chinese (户号, 身份证号),
 * or in English; an unknown column is shown as it is.
 * @param {string} column
 * @param {Lang} lang
 */
export function columnName(column, lang) {
  const w = t(lang, `col.${column}`);
  return w === `col.${column}` ? column : w;
}

/**
 * problemRows lists the problems by sheet row, then as the server listed them, each
 * with its row, column and message in lang.
 * @param {Problem[]} problems
 * @param {Kind} kind
 * @param {Lang} lang
 * @returns {{ row: string, column: string, message: string, code: string }[]}
 */
export function problemRows(problems, kind, lang) {
  return problems
    .map((p, i) => ({ p, i, at: locate(p.path, kind) }))
    .sort((a, b) => (a.at.row ?? 0) - (b.at.row ?? 0) || a.i - b.i)
    .map(({ p, at }) => ({
      row: at.row === null ? t(lang, 'p.file') : String(at.row),
      column: at.column === null ? (at.row === null ? '' : t(lang, 'p.whole')) : columnName(at.column, lang),
      message: lang === 'zh' ? p.messageZh || p.message : p.message,
      code: p.code,
    }));
}
