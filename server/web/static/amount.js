// @ts-check
// amount.js reads an amount as a family types it — "8,432.5", "８４３２", "8 432 元" —
// and gives the engine's strict form ("8432.5"), or a plain message saying what is
// wrong. The engine stays strict: it takes decimal strings only; this is the page's
// reading of what a person wrote, and it never guesses. Text only, never a Number:
// money is not a float.

/**
 * An amount the page can send, or why it cannot.
 * @typedef {{ ok: true, value: string }
 *   | { ok: false, code: 'amount_invalid' | 'amount_negative' | 'amount_precision', message: string, messageZh: string }} Reading
 */

// Fullwidth and ideographic characters a Chinese input method types, and what they are.
/** @type {Record<string, string>} */
const WIDE = {
  '．': '.', '。': '.', '，': ',', '－': '-', '＋': '+',
};

/**
 * normaliseAmount reads text typed into an amount field. Fullwidth digits and
 * punctuation become ASCII; spaces anywhere, a trailing 元 and a leading ¥ go; commas
 * are taken only as thousands separators (8,432.50) and refused anywhere else (8,43
 * could be 8.43 or 843); leading zeros go. An empty field reads as "" (ok): the page
 * leaves it out. Anything else that is not a non-negative amount in yuan with at most
 * two decimals is refused with a message in English and in plain Chinese.
 * @param {string} text
 * @returns {Reading}
 */
export function normaliseAmount(text) {
  let s = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0xff10 && c <= 0xff19) s += String.fromCodePoint(c - 0xff10 + 0x30);
    else s += WIDE[ch] ?? ch;
  }
  s = s.replace(/[\s\u00a0\u3000]+/gu, '');
  if (s === '') return { ok: true, value: '' };
  s = s.replace(/(元|圆|块|RMB|CNY)$/iu, '').replace(/^[¥￥]/u, '');
  if (s.startsWith('-')) {
    return fail('amount_negative', 'An amount cannot be negative.', '金额不能是负数。');
  }
  if (s.startsWith('+')) s = s.slice(1);
  if (s.includes(',')) {
    if (!/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) {
      return fail('amount_invalid',
        `"${text.trim()}" is unclear: use a comma only between groups of three digits (8,432.50) and a point for fen (8.43).`,
        `“${text.trim()}”看不出是多少：逗号只能每三位分开（如 8,432.50），角和分请用小数点（如 8.43）。`);
    }
    s = s.replaceAll(',', '');
  }
  if (/^\d+\.$/.test(s)) s = s.slice(0, -1);
  if (/^\.\d+$/.test(s)) s = `0${s}`;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) {
    return fail('amount_invalid', 'Enter the amount in yuan as a number, such as 8432.50.',
      '请用数字填写金额（单位：元），如 8432.50。');
  }
  if ((m[2] ?? '').length > 2) {
    return fail('amount_precision', 'An amount goes down to the fen: at most two digits after the point, such as 12.35.',
      '金额只能算到分：小数点后最多两位，如 12.35。');
  }
  const whole = (m[1] ?? '').replace(/^0+(?=\d)/, '');
  return { ok: true, value: m[2] === undefined ? whole : `${whole}.${m[2]}` };
}

/**
 * @param {'amount_invalid' | 'amount_negative' | 'amount_precision'} code
 * @param {string} message
 * @param {string} messageZh
 * @returns {Reading}
 */
function fail(code, message, messageZh) {
  return { ok: false, code, message, messageZh };
}
