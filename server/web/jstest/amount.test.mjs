// Unit tests of the page's reading of typed amounts (static/amount.js). Run by
// `node --test server/web/jstest/`, and from `go test ./server/web` (TestNodeUnits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseAmount } from '../static/amount.js';

test('amounts a family types are read as the engine wants them', () => {
  for (const [typed, want] of [
    ['8432', '8432'],
    ['8432.5', '8432.5'],
    ['8432.50', '8432.50'],
    ['8,432.5', '8432.5'],
    ['1,234,567.89', '1234567.89'],
    ['12,000', '12000'],
    ['８４３２', '8432'],
    ['８，４３２．５', '8432.5'],
    ['８４３２。５', '8432.5'],
    ['8 432.50', '8432.50'],
    [' 8432 ', '8432'],
    ['8\u3000432', '8432'],
    ['8432元', '8432'],
    ['8432 元', '8432'],
    ['８４３２元', '8432'],
    ['¥8432', '8432'],
    ['￥8,432.00', '8432.00'],
    ['0035.50', '35.50'],
    ['0', '0'],
    ['8432.', '8432'],
    ['.5', '0.5'],
    ['', ''],
    ['   ', ''],
  ]) {
    assert.deepEqual(normaliseAmount(typed), { ok: true, value: want }, JSON.stringify(typed));
  }
});

test('ambiguous or wrong amounts are refused in plain words', () => {
  for (const [typed, code] of [
    ['8,43', 'amount_invalid'],
    ['8,4321', 'amount_invalid'],
    ['84,32.5', 'amount_invalid'],
    [',432', 'amount_invalid'],
    ['8.432,50', 'amount_invalid'],
    ['８，４３', 'amount_invalid'],
    ['12.345', 'amount_precision'],
    ['-5', 'amount_negative'],
    ['－５', 'amount_negative'],
    ['abc', 'amount_invalid'],
    ['1e3', 'amount_invalid'],
    ['8.4.3', 'amount_invalid'],
    ['元', 'amount_invalid'],
    ['五百', 'amount_invalid'],
  ]) {
    const r = normaliseAmount(typed);
    assert.equal(r.ok, false, JSON.stringify(typed));
    if (r.ok) continue;
    assert.equal(r.code, code, JSON.stringify(typed));
    // Plain Chinese: no jargon the engine uses ("十进制字符串"), and in Chinese.
    assert.doesNotMatch(r.messageZh, /十进制|字符串|decimal/u, r.messageZh);
    assert.match(r.messageZh, /[\u4e00-\u9fff]/u);
    assert.ok(r.message.length > 0);
  }
});

test('the comma message quotes what was typed', () => {
  const r = normaliseAmount('8,43');
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.messageZh, /“8,43”/u);
});
