// @ts-check
// summary.js: the reports page's pure parts: period names, group names, the sums
// over periods, and the charts' configurations (Chart.js). Amounts stay the server's
// decimal strings; a chart draws them as Numbers, and its tooltips show the strings.
import { fen, yuan } from '../desk/money.js';
import { t } from './words.js';

/** @typedef {import('../desk/i18n.js').Lang} Lang */
/**
 * @typedef {{ period: string, start: string, end: string, group: string, visits: number, persons: number,
 *   total: string, fundTotal: string, cash: string, perCapita: string, effectiveRatio: string }} Row
 * @typedef {{ year: number, budget?: string, spent: string, share?: string,
 *   months: { month: string, fundTotal: string, cumulative: string }[] }} Budget
 */

/** The reports by their wire period (日上报、周汇总、旬调度、月通报). */
export const periods = /** @type {const} */ (['day', 'week', 'ten_day', 'month']);
/** The groupings the page offers. */
export const groupings = /** @type {const} */ (['township', 'class', 'institution', 'visit_type']);

/**
 * periodLabel names a summary row's period as a clerk reads it: "2026-03-D1" is
 * 2026年3月上旬, "2026-W09" 2026年第9周, "2026-03" 2026年3月; a day is its date.
 * @param {string} key
 * @param {Lang} lang
 * @returns {string}
 */
export function periodLabel(key, lang) {
  let m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (m) return lang === 'zh' ? `${m[1]}年第${Number(m[2])}周` : `${m[1]} week ${Number(m[2])}`;
  m = /^(\d{4})-(\d{2})-D([123])$/.exec(key);
  if (m) {
    const part = Number(m[3]);
    if (lang === 'zh') return `${m[1]}年${Number(m[2])}月${['上', '中', '下'][part - 1]}旬`;
    return `${m[1]}-${m[2]} days ${['1–10', '11–20', '21–'][part - 1]}`;
  }
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return lang === 'zh' ? `${m[1]}年${Number(m[2])}月` : key;
  return key;
}

/**
 * groupLabel names a group: a visit type in words, a class or institution by the
 * names given (the policy's classes, the facility register), else its code.
 * @param {string} groupBy
 * @param {string} code
 * @param {Lang} lang
 * @param {Record<string, string>} [names]
 * @returns {string}
 */
export function groupLabel(groupBy, code, lang, names = {}) {
  if (code === '') return t(lang, 'none');
  if (groupBy === 'visit_type') {
    const w = t(lang, `vt.${code}`);
    return w === `vt.${code}` ? code : w;
  }
  const name = names[code];
  return name && name !== code ? `${name}（${code}）` : code;
}

/**
 * byGroup adds each group's visits and fund payments over the periods, exactly (in
 * fen), in the order of the groups' codes. Persons are not added: one person may
 * visit in two periods.
 * @param {Row[]} rows
 * @returns {{ group: string, visits: number, fundTotal: string, total: string }[]}
 */
export function byGroup(rows) {
  /** @type {Map<string, { visits: number, fund: bigint, total: bigint }>} */
  const acc = new Map();
  for (const r of rows) {
    const a = acc.get(r.group) ?? { visits: 0, fund: 0n, total: 0n };
    a.visits += r.visits;
    a.fund += fen(r.fundTotal);
    a.total += fen(r.total);
    acc.set(r.group, a);
  }
  return [...acc.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([group, a]) => ({ group, visits: a.visits, fundTotal: yuan(a.fund), total: yuan(a.total) }));
}

/**
 * drawn is an amount as a chart draws it; only the chart's geometry uses it.
 * @param {string} amount
 */
const drawn = (amount) => Number(amount);

/**
 * tooltips shows a dataset's exact strings (dataset.exact) rather than the Numbers drawn.
 * @returns {object}
 */
function tooltips() {
  return {
    callbacks: {
      /** @param {any} c */
      label: (c) => `${c.dataset.label}: ${c.dataset.exact?.[c.dataIndex] ?? c.formattedValue}`,
    },
  };
}

/**
 * common are the options every chart has: no animation (a chart prints, and a test
 * reads it, as soon as it is drawn), the legend at the top.
 * @param {string} title
 * @returns {any}
 */
function common(title) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { title: { display: true, text: title, font: { size: 16 } }, legend: { position: 'top', labels: { usePointStyle: true } }, tooltip: tooltips() },
  };
}

/**
 * groupsChart is the bars per group (township, level, institution, visit type): fund
 * payments on the left axis, visits on the right.
 * @param {ReturnType<typeof byGroup>} groups
 * @param {string[]} labels  the groups' names, in the same order
 * @param {string} title
 * @param {Lang} lang
 */
export function groupsChart(groups, labels, title, lang) {
  const o = common(title);
  o.scales = { y: { beginAtZero: true, position: 'left' }, visits: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { precision: 0 } } };
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: t(lang, 'ds.fund'), data: groups.map((g) => drawn(g.fundTotal)), exact: groups.map((g) => g.fundTotal), yAxisID: 'y', pointStyle: 'rect', backgroundColor: '#0b5cad' },
        { label: t(lang, 'ds.visits'), data: groups.map((g) => g.visits), exact: groups.map((g) => String(g.visits)), yAxisID: 'visits', pointStyle: 'rect', backgroundColor: '#f0b400' },
      ],
    },
    options: o,
  };
}

/**
 * trendChart is the line over the periods of the ungrouped summary.
 * @param {Row[]} rows  one a period
 * @param {string} title
 * @param {Lang} lang
 */
export function trendChart(rows, title, lang) {
  const o = common(title);
  o.scales = { y: { beginAtZero: true, position: 'left' }, visits: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { precision: 0 } } };
  return {
    type: 'line',
    data: {
      labels: rows.map((r) => periodLabel(r.period, lang)),
      datasets: [
        { label: t(lang, 'ds.fund'), data: rows.map((r) => drawn(r.fundTotal)), exact: rows.map((r) => r.fundTotal), yAxisID: 'y', borderColor: '#0b5cad', backgroundColor: '#0b5cad' },
        { label: t(lang, 'ds.visits'), data: rows.map((r) => r.visits), exact: rows.map((r) => String(r.visits)), yAxisID: 'visits', borderColor: '#b85c00', backgroundColor: '#b85c00' },
      ],
    },
    options: o,
  };
}

/**
 * budgetChart is a year's spending against its budget: the month's spending as
 * bars, the spending so far as a line and, when there is one, the budget as a flat line.
 * @param {Budget} b
 * @param {string} title
 * @param {Lang} lang
 */
export function budgetChart(b, title, lang) {
  const o = common(title);
  o.scales = { y: { beginAtZero: true } };
  /** @type {any[]} */
  const datasets = [
    { type: 'bar', label: t(lang, 'ds.month'), pointStyle: 'rect', data: b.months.map((m) => drawn(m.fundTotal)), exact: b.months.map((m) => m.fundTotal), backgroundColor: '#7aa7d6', order: 2 },
    { type: 'line', label: t(lang, 'ds.cumulative'), data: b.months.map((m) => drawn(m.cumulative)), exact: b.months.map((m) => m.cumulative), borderColor: '#0b5cad', backgroundColor: '#0b5cad', order: 1 },
  ];
  if (b.budget !== undefined) {
    const budget = b.budget;
    datasets.push({ type: 'line', label: t(lang, 'ds.budget'), data: b.months.map(() => drawn(budget)), exact: b.months.map(() => budget),
      borderColor: '#b00020', backgroundColor: '#b00020', borderDash: [6, 4], pointRadius: 0, pointStyle: 'line', order: 0 });
  }
  return { type: 'bar', data: { labels: b.months.map((m) => periodLabel(m.month, lang)), datasets }, options: o };
}
