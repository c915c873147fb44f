// Unit tests of the desk's pure modules: node --test server/web/static/desk/test/
// (go test ./server/web runs them too, TestDeskNode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalise, fen, yuan, sum, percent } from '../money.js';
import { translate, nextStep, tables } from '../i18n.js';
import { decode, parse, fields } from '../feelist.js';
import { categoryItems, birthDate, mask, differences, request } from '../claim.js';

test('normalise reads amounts as typed and refuses the rest', () => {
  const cases = [['8432', '8432.00'], ['1,234.5', '1234.50'], ['¥ 88', '88.00'], ['１２３．４', '123.40'], ['007.10', '7.10'],
    ['0', '0.00'], ['12.345', null], ['-5', null], ['1e3', null], ['', null], ['abc', null], ['12.', '12.00']];
  for (const [input, want] of cases) assert.equal(normalise(input), want, input);
});

test('fen and yuan are exact', () => {
  assert.equal(fen('0.1') + fen('0.2'), 30n);
  assert.equal(yuan(fen('-12.3')), '-12.30');
  assert.equal(sum(['0.10', '0.20', '99999999999999.99']), '100000000000000.29');
  assert.throws(() => fen('1.234'), RangeError);
});

test('percent moves the decimal point of the ratio string, exactly', () => {
  const cases = [['0.4597', '45.97%'], ['0.5', '50%'], ['1', '100%'], ['1.0000', '100.00%'], ['0.0500', '5.00%'], ['0.045', '4.5%'],
    ['0', '0%'], ['0.00', '0%'], ['0.1234567890123456789', '12.34567890123456789%'], ['12.3456', '1234.56%'], ['-0.25', '-25%']];
  for (const [input, want] of cases) assert.equal(percent(input), want, input);
  // 0.29 * 100 is 28.999999999999996 in floating point: the string has no such error.
  assert.equal(percent('0.29'), '29%');
  for (const bad of ['', '.5', '0.5.1', '1e-2', 'abc', '45%']) assert.throws(() => percent(bad), RangeError, bad);
});

test('both languages have every key, with the same placeholders', () => {
  const keys = (l) => Object.keys(tables[l]).sort();
  assert.deepEqual(keys('en'), keys('zh'));
  for (const k of keys('zh')) {
    const ph = (s) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    assert.equal(ph(tables.en[k]), ph(tables.zh[k]), k);
  }
  assert.equal(translate('zh', 'feeLines', { n: 3, total: '1.00' }), '已导入 3 条明细，合计 1.00 元');
  assert.equal(translate('en', 'no such key'), 'no such key');
});

test('each card refusal says what to do next', () => {
  assert.equal(nextStep('card_owner_mismatch'), 'next.impersonation');
  for (const c of ['card_reported_lost', 'card_replaced', 'card_suspended', 'card_cancelled']) assert.equal(nextStep(c), 'next.card', c);
  assert.equal(nextStep('card_not_enrolled'), 'next.enrollment');
  assert.equal(nextStep('store_unavailable'), 'next.default');
});

test('fee lists in UTF-8 and GBK', () => {
  const gbk = new Uint8Array([192, 224, 177, 240, 44, 189, 240, 182, 238, 10, 188, 215, 44, 49, 50, 46, 53, 10, 210, 210, 44, 51, 10]);
  const utf8 = new TextEncoder().encode('\uFEFF类别,金额\r\n甲,12.5\r\n乙,3\r\n');
  for (const bytes of [gbk, utf8]) {
    const { lines, problems } = parse(decode(bytes));
    assert.deepEqual(problems, []);
    assert.deepEqual(lines.map((l) => [l.class, l.amount]), [['A', '12.50'], ['B', '3.00']]);
  }
  const { lines, problems } = parse('项目编码,项目名称,费用类型,类别,金额\nX1,"青霉素,注射",西药,甲类,"1,200.00"\nX2,床位,床位费,丙,1.2.3\n');
  assert.deepEqual(lines, []);
  assert.deepEqual(problems, [{ row: 2, column: 'amount', code: 'amount_invalid' }]);
  assert.deepEqual(parse('名称,金额\n药,1\n').problems, [{ row: 0, column: 'class', code: 'field_required' }]);
  assert.deepEqual(fields('a,"b ""c"""\n\n1,2'), [['a', 'b "c"'], ['1', '2']]);
});

test('category totals become items; a bad amount names its field', () => {
  assert.deepEqual(categoryItems({ a: '8432', b: '', self: '268.5', over: '12' }), [
    { code: 'A', kind: 'other', class: 'A', amount: '8432.00' },
    { code: 'SELF', kind: 'other', class: 'self', amount: '268.50' },
    { code: 'OVER', kind: 'other', class: 'A', amount: '12.00', overLimit: '12.00' }]);
  assert.throws(() => categoryItems({ a: '1', b: '2.345', self: '', over: '' }), { name: 'RangeError', message: 'b' });
});

test('resident IDs: birth date and mask', () => {
  assert.equal(birthDate('640221198001010015'), '1980-01-01');
  assert.equal(birthDate('64022119800101001'), '');
  assert.equal(mask('640221198001010015'), '640221********0015');
});

test('differences finds every disagreement and none between equals', () => {
  const r = { total: '100.00', fundTotal: '50.00', cash: '50.00', funds: [{ fund: 'pool', amount: '50.00' }], policy: { hash: 'h' }, trace: [{ note: 'x' }] };
  assert.deepEqual(differences(r, structuredClone(r)), []);
  assert.deepEqual(differences(r, { ...r, cash: '49.99', funds: [{ fund: 'pool', amount: '50.01' }] }), ['cash', 'funds']);
  assert.deepEqual(differences(r, { ...r, trace: [] }), ['trace']);
});

test('request drops an empty invoice and carries the visit id', () => {
  const req = request({ policy: 'p', visitID: 'V1', person: { id: 'x', category: 'farmer', birthDate: '', enrollment: [] },
    visit: { type: 'inpatient', institution: 'H001', class: 'county', admission: '2025-03-01', discharge: '2025-03-05', invoice: '' }, items: [] }, 'zh');
  assert.equal(req.claim.id, 'V1');
  assert.equal(req.lang, 'zh');
  assert.equal('invoice' in req.claim.visit, false);
  assert.equal(req.claim.visit.referral, false);
});

test('the person panel lists each fact once, leaves out the unknown and takes the register\'s', async () => {
  const { personRows, figure } = await import('../views.js');
  const card = { owner: '640221********0015', enrolled: true, waiting: false, benefitTier: '', benefitsFrom: '2025-01-01' };
  const before = personRows('zh', '640221198001010015', card, { name: '', household: '', category: '', enrollment: null });
  assert.deepEqual(before.map(([, , k]) => k), ['owner', 'enrolled', 'waiting', 'benefitsFrom']);
  assert.ok(before.every(([, v]) => v !== '' && v !== '—'));
  const claim = { person: { name: '王大', category: 'farmer' },
    totals: { admissions: [{ count: 1 }, { count: 2 }], funds: [{ fund: 'inpatient', name: '住院统筹基金', paid: '1200.00' }, { fund: 'serious', paid: '0.00' }] } };
  const after = personRows('zh', '640221198001010015', card,
    { name: '王大', household: '', category: 'farmer', enrollment: [{ year: 2024 }, { year: 2025, tier: '一档' }] }, claim);
  const keys = after.map(([, , k]) => k);
  assert.deepEqual(keys, ['name', 'owner', 'category', 'enrolled', 'waiting', 'benefitsFrom', 'years', 'stays', 'used:inpatient', 'used:serious']);
  assert.equal(new Set(keys).size, keys.length);
  const v = Object.fromEntries(after.map(([label, value, k]) => [k, [label, value]]));
  assert.deepEqual(v.name, ['姓名', '王大']);
  assert.deepEqual(v.category, ['人员类别', '农业人口']);
  assert.deepEqual(v.years, ['参合年度', '2024、2025（一档）']);
  assert.deepEqual(v.stays, ['本年已结算住院次数', '3']);
  assert.deepEqual(v['used:inpatient'], ['住院统筹基金 本年已支付', '1200.00']);
  assert.deepEqual(v['used:serious'], ['serious 本年已支付', '0.00']);
  assert.equal(figure('effectiveRatio', '0.4597'), '45.97%');
  assert.equal(figure('cash', '4700.50'), '4700.50');
});

test('slipFromEntry reads a reprint from the journal entry', async () => {
  const { slipFromEntry } = await import('../views.js');
  const base = { seq: 2, kind: 'settlement', institution: 'H001', person: '640221198001010015', admission: '2025-03-02', discharge: '2025-03-09',
    recorded: '2025-06-01T08:00:00Z', operator: 'op_1', operatorName: '王审核', result: { total: '1000.00' },
    request: { claim: { person: { name: '王大' } } }, invoice: 'FP-1' };
  // A settlement a correction replaced: no reversal stamp of its own, the correction's number and reason.
  const corrected = slipFromEntry({ ...base, reversedBy: { seq: 3, reason: '漏录' }, correctedBy: 4 }, '2025-06-02 09:00:00');
  assert.equal(corrected.reversal, null);
  assert.equal(corrected.correctedBy, 4);
  assert.equal(corrected.correctedReason, '漏录');
  assert.equal(corrected.reprinted, '2025-06-02 09:00:00');
  assert.equal(corrected.person.name, '王大');
  assert.equal(corrected.operator, '王审核（op_1）');
  // The correcting settlement: what it corrects and why.
  const correcting = slipFromEntry({ ...base, seq: 4, corrects: 2, reason: '漏录' }, 'now');
  assert.equal(correcting.settlement.corrects, 2);
  assert.equal(correcting.reason, '漏录');
  // A reversed one, and a manual claim whose invoices are its own rows.
  assert.deepEqual(slipFromEntry({ ...base, reversedBy: { seq: 5, reason: '重复' } }, 'now').reversal, { seq: 5, reason: '重复' });
  const manual = { invoices: [{ number: 'FP-1', date: '2025-03-09' }], payout: { holder: '王二', bank: '农行', card: '622848*********0018' } };
  const m = slipFromEntry({ ...base, manual }, 'now');
  assert.equal(m.visit.invoice, undefined);
  assert.deepEqual(m.manual, manual);
});
