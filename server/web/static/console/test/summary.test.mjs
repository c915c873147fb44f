import { test } from 'node:test';
import assert from 'node:assert/strict';
import { periodLabel, groupLabel, byGroup, groupsChart, trendChart, budgetChart } from '../summary.js';

test('periodLabel names the four reports’ periods', () => {
  for (const [key, zh, en] of [
    ['2026-03-05', '2026-03-05', '2026-03-05'],
    ['2026-W09', '2026年第9周', '2026 week 9'],
    ['2026-03-D1', '2026年3月上旬', '2026-03 days 1–10'],
    ['2026-03-D2', '2026年3月中旬', '2026-03 days 11–20'],
    ['2026-12-D3', '2026年12月下旬', '2026-12 days 21–'],
    ['2026-03', '2026年3月', '2026-03'],
  ]) {
    assert.equal(periodLabel(key, 'zh'), zh);
    assert.equal(periodLabel(key, 'en'), en);
  }
});

test('groupLabel: visit types in words, classes by name, unknown codes as they are', () => {
  assert.equal(groupLabel('visit_type', 'inpatient', 'zh'), '住院');
  assert.equal(groupLabel('visit_type', 'inpatient', 'en'), 'Inpatient');
  assert.equal(groupLabel('visit_type', 'odd', 'zh'), 'odd');
  assert.equal(groupLabel('class', 'county', 'zh', { county: '县级医院' }), '县级医院（county）');
  assert.equal(groupLabel('township', '640221100', 'zh'), '640221100');
  assert.equal(groupLabel('township', '', 'zh'), '（无）');
});

const row = (period, group, visits, fundTotal, total = '0.00') => ({ period, start: '', end: '', group, visits, persons: 1,
  total, fundTotal, cash: '0.00', perCapita: fundTotal, effectiveRatio: '0' });

test('byGroup adds over periods exactly, in fen', () => {
  const g = byGroup([row('2026-01', 'T2', 1, '0.10'), row('2026-01', 'T1', 2, '100.05', '200.00'), row('2026-02', 'T2', 3, '0.20'), row('2026-02', 'T1', 1, '0.01')]);
  assert.deepEqual(g, [
    { group: 'T1', visits: 3, fundTotal: '100.06', total: '200.00' },
    { group: 'T2', visits: 4, fundTotal: '0.30', total: '0.00' },
  ]);
});

test('the charts draw the figures and show the exact strings', () => {
  const groups = byGroup([row('2026-01', 'T1', 2, '1234.56')]);
  const c = groupsChart(groups, ['T1'], '各乡镇', 'zh');
  assert.deepEqual(c.data.datasets[0].data, [1234.56]);
  assert.deepEqual(c.data.datasets[0].exact, ['1234.56']);
  assert.deepEqual(c.data.datasets[1].data, [2]);
  const tr = trendChart([row('2026-01', '', 2, '10.00'), row('2026-02', '', 1, '5.50')], 'x', 'zh');
  assert.deepEqual(tr.data.labels, ['2026年1月', '2026年2月']);
  assert.deepEqual(tr.data.datasets[0].data, [10, 5.5]);
  const months = [{ month: '2026-01', fundTotal: '10.00', cumulative: '10.00' }, { month: '2026-02', fundTotal: '5.00', cumulative: '15.00' }];
  const b = budgetChart({ year: 2026, spent: '15.00', budget: '100.00', share: '0.15', months }, 'x', 'en');
  assert.equal(b.data.datasets.length, 3);
  assert.deepEqual(b.data.datasets[1].data, [10, 15]);
  assert.deepEqual(b.data.datasets[2].data, [100, 100]);
  assert.equal(budgetChart({ year: 2026, spent: '15.00', months }, 'x', 'en').data.datasets.length, 2);
  const label = c.options.plugins.tooltip.callbacks.label({ dataset: c.data.datasets[0], dataIndex: 0, formattedValue: '1,234.56' });
  assert.equal(label, '统筹基金支付（元）: 1234.56');
});
