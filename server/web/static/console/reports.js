// @ts-check
// reports.js: the reports page. The county server computes every figure (GET
// /v1/reports/summary, per-capita rounded as the chosen policy says, and
// /v1/reports/budget); the page draws them with Chart.js and tabulates them, and the
// exports are the server's own CSV.
import { $, h } from '../desk/views.js';
import { percent } from '../desk/money.js';
import { Page } from './session.js';
import { budgetChart, byGroup, groupLabel, groupings, groupsChart, periodLabel, periods, trendChart } from './summary.js';

/** @typedef {import('./summary.js').Row} Row */
/** @typedef {import('./summary.js').Budget} Budget */

/** Chart is Chart.js, loaded by the page from ../vendor/ as a global. */
const Chart = /** @type {any} */ (globalThis).Chart;

const page = new Page();
/** @type {Record<string, any>} the charts drawn, by canvas id; tests read their data */
const charts = {};
/** @type {{ rows: Row[], totals: Row[], budget: Budget, groupBy: string, query: Record<string, string> } | null} */
let shown = null;
/** @type {Record<string, string>} names of classes (the policies') and institutions (the register) */
let names = {};

/** @param {HTMLSelectElement} sel @param {readonly string[]} values @param {(v: string) => string} label */
function options(sel, values, label) {
  const keep = sel.value;
  sel.replaceChildren(...values.map((v) => h('option', { value: v }, label(v))));
  if (keep) sel.value = keep;
}

function labelControls() {
  options(/** @type {HTMLSelectElement} */ ($('period')), periods, (p) => page.t(`kind.${p}`));
  options(/** @type {HTMLSelectElement} */ ($('groupBy')), groupings, (g) => page.t(`group.${g}`));
}

async function ready() {
  labelControls();
  const today = new Date();
  const iso = (/** @type {Date} */ d) => d.toISOString().slice(0, 10);
  const from = /** @type {HTMLInputElement} */ ($('from'));
  const to = /** @type {HTMLInputElement} */ ($('to'));
  const q = new URLSearchParams(location.search);
  from.value = q.get('from') ?? `${today.getFullYear()}-01-01`;
  to.value = q.get('to') ?? iso(today);
  /** @type {HTMLSelectElement} */ ($('period')).value = q.get('period') ?? 'month';
  /** @type {HTMLSelectElement} */ ($('groupBy')).value = q.get('groupBy') ?? 'township';
  const list = /** @type {any[]} */ (await page.api.policies());
  const policy = /** @type {HTMLSelectElement} */ ($('policy'));
  const fill = () => {
    const keep = policy.value;
    policy.replaceChildren(...list.map((p) => h('option', { value: p.id }, `${page.lang === 'en' && p.nameEn ? p.nameEn : p.name}（${p.id}）`)));
    if (keep) policy.value = keep;
  };
  fill();
  page.onLang.push(fill);
  if (q.get('policy')) policy.value = q.get('policy') ?? '';
  await learnNames(policy.value);
  policy.addEventListener('change', () => { learnNames(policy.value); });
  $('query').addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  await run();
}

/**
 * learnNames reads the names of the facility classes (the policy's) and of the
 * institutions (the facility register), for the groups' labels; codes show without them.
 * @param {string} policy
 */
async function learnNames(policy) {
  /** @type {Record<string, string>} */
  const n = {};
  try {
    // The policy document itself (the engine's canonical bytes, not an envelope).
    const res = await fetch(`/v1/policies/${encodeURIComponent(policy)}`, { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    for (const c of doc.facilityClasses ?? []) n[c.code] = page.lang === 'en' && c.nameEn ? c.nameEn : c.name;
  } catch { /* classes show by code */ }
  try {
    for (const f of (await page.api.send('GET', '/v1/facilities')).result ?? []) n[f.code] = f.name;
  } catch { /* institutions show by code */ }
  names = n;
}

/** run asks the server for the three reports of the query and shows them. */
async function run() {
  const msg = $('query-msg');
  msg.hidden = true;
  const val = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id)).value;
  const query = { from: val('from'), to: val('to'), period: val('period'), policy: val('policy') };
  const groupBy = val('groupBy');
  try {
    const [grouped, totals, budget] = await Promise.all([
      page.get('/v1/reports/summary', { ...query, groupBy }),
      page.get('/v1/reports/summary', { ...query, groupBy: 'none' }),
      page.get('/v1/reports/budget', { year: query.to.slice(0, 4) }),
    ]);
    shown = { rows: grouped.rows, totals: totals.rows, budget, groupBy, query };
    draw();
  } catch (e) {
    msg.textContent = page.problem(e);
    msg.hidden = false;
  }
}

/**
 * chart draws one chart on a canvas, replacing the one there.
 * @param {string} id
 * @param {any} config
 */
function chart(id, config) {
  charts[id]?.destroy();
  charts[id] = new Chart(/** @type {HTMLCanvasElement} */ ($(id)), config);
  $(id).setAttribute('aria-label', config.options.plugins.title.text);
}

/** draw shows what the server answered, in the page's language. */
function draw() {
  if (!shown) return;
  const { rows, totals, budget, groupBy, query } = shown;
  const lang = page.lang;
  $('results').hidden = false;
  const groups = byGroup(rows);
  const groupName = page.t(`group.${groupBy}`);
  chart('chart-groups', groupsChart(groups, groups.map((g) => groupLabel(groupBy, g.group, lang, names)), page.t('chart.groups', { group: groupName }), lang));
  chart('chart-trend', trendChart(totals, page.t('chart.trend'), lang));
  chart('chart-budget', budgetChart(budget, page.t('chart.budget', { year: budget.year }), lang));
  $('budget-line').textContent = budget.budget === undefined
    ? `${page.t('spentLine', { year: budget.year, spent: budget.spent })} ${page.t('noBudget', { year: budget.year })}`
    : page.t('budgetLine', { year: budget.year, budget: budget.budget, spent: budget.spent, share: percent(budget.share ?? '0') });
  table(rows, totals, groupBy);
  const csv = (/** @type {string} */ g) => `/v1/reports/summary?${new URLSearchParams({ ...query, groupBy: g, format: 'csv', lang })}`;
  $('csv').setAttribute('href', csv(groupBy));
  $('csv-totals').setAttribute('href', csv('none'));
  document.documentElement.dataset.drawn = String(Number(document.documentElement.dataset.drawn ?? 0) + 1);
}

/**
 * table lists each period's groups and then the period's total (the server's own
 * ungrouped row, whose persons and per-capita are not sums of the groups').
 * @param {Row[]} rows @param {Row[]} totals @param {string} groupBy
 */
function table(rows, totals, groupBy) {
  const lang = page.lang;
  const cols = ['visits', 'persons', 'total', 'fundTotal', 'cash', 'perCapita', 'effectiveRatio'];
  const cells = (/** @type {Row} */ r) => cols.map((c) => h('td', { 'data-key': c },
    c === 'effectiveRatio' ? percent(r.effectiveRatio) : String(/** @type {any} */ (r)[c])));
  const group = page.t(`group.${groupBy}`);
  const head = h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, page.t('period')), h('th', { scope: 'col' }, group.charAt(0).toUpperCase() + group.slice(1)),
    ...cols.map((c) => h('th', { scope: 'col' }, page.t(c)))));
  const body = h('tbody');
  if (totals.length === 0) body.append(h('tr', {}, h('td', { colspan: String(cols.length + 2) }, page.t('noRows'))));
  for (const tot of totals) {
    for (const r of rows.filter((x) => x.period === tot.period)) {
      body.append(h('tr', { 'data-period': r.period, 'data-group': r.group },
        h('th', { scope: 'row' }, periodLabel(r.period, lang)), h('td', {}, groupLabel(groupBy, r.group, lang, names)), ...cells(r)));
    }
    body.append(h('tr', { class: 'subtotal', 'data-period': tot.period, 'data-total': 'true' },
      h('th', { scope: 'row' }, periodLabel(tot.period, lang)), h('td', {}, page.t('subtotal')), ...cells(tot)));
  }
  $('table').replaceChildren(head, body);
}

// A chart is drawn for the screen; printed, it is redrawn to the paper's width once
// the print layout applies (beforeprint comes before it), and back after.
window.matchMedia('print').addEventListener('change', () => { for (const c of Object.values(charts)) c.resize(); });
/** @type {any} */ (globalThis).ncmsCharts = charts;

page.onLang.push(() => { labelControls(); draw(); });
page.start(ready);
