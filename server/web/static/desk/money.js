// @ts-check
// money.js: amounts as the wire has them, decimal strings of yuan ("1234.50"). Nothing
// here is a Number of yuan: sums are in fen as BigInt.

/**
 * normalise reads an amount as a cashier types or a fee list writes it — "1,234.5",
 * "¥ 88", full-width digits "１２３" — and returns the wire form with two decimals, or
 * null when it is not an amount of at most two decimals. "" is null.
 * @param {string} input
 * @returns {string | null}
 */
export function normalise(input) {
  let s = String(input ?? '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
    .replace(/\uFF0E/g, '.')
    .replace(/[\s,，¥￥元]/g, '');
  if (!/^\d+(\.\d{0,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  return `${BigInt(whole)}.${frac.padEnd(2, '0')}`;
}

/**
 * fen returns a wire amount ("12.30", "-5", "7.5") in fen.
 * @param {string} amount
 * @returns {bigint}
 */
export function fen(amount) {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount));
  if (!m) throw new RangeError(`not an amount: ${amount}`);
  const v = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] === '-' ? -v : v;
}

/**
 * yuan formats fen as a wire amount with two decimals.
 * @param {bigint} f
 * @returns {string}
 */
export function yuan(f) {
  const neg = f < 0n;
  const a = neg ? -f : f;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/**
 * sum adds wire amounts exactly.
 * @param {string[]} amounts
 * @returns {string}
 */
export function sum(amounts) {
  return yuan(amounts.reduce((t, a) => t + fen(a), 0n));
}

/**
 * percent shows a ratio's decimal string as a percentage, exactly: the decimal point
 * moves two places and every digit given is kept ("0.4597" → "45.97%", "0.5" → "50%",
 * "1.0000" → "100.00%"). Throws a RangeError on anything but a plain decimal.
 * @param {string} ratio
 * @returns {string}
 */
export function percent(ratio) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(ratio));
  if (!m) throw new RangeError(`not a ratio: ${ratio}`);
  const frac = m[3] ?? '';
  const whole = (m[2] + frac.slice(0, 2).padEnd(2, '0')).replace(/^0+(?=\d)/, '');
  const rest = frac.slice(2);
  const zero = /^0*$/.test(whole + rest);
  return `${m[1] === '-' && !zero ? '-' : ''}${whole}${rest ? `.${rest}` : ''}%`;
}
