// @ts-check
// notice.js: the village public notice (公示) as printable posters, one village a
// sheet, from GET /v1/reports/notice; the IDs are masked by the server, which never
// sends the full number. The county's name and complaints phone are the county's
// wording, kept in this browser.
import { $, h } from '../desk/views.js';
import { Page } from './session.js';
import { groupLabel } from './summary.js';

const page = new Page();
/** @type {any} the notice as the server answered */
let notice = null;
/** @type {Record<string, string>} institutions' names from the facility register */
let names = {};

/** keep stores a wording input's value in this browser. @param {string} id */
function keep(id) {
  const input = /** @type {HTMLInputElement} */ ($(id));
  input.value = localStorage.getItem(`ncms.notice.${id}`) ?? input.value;
  input.addEventListener('input', () => { localStorage.setItem(`ncms.notice.${id}`, input.value); draw(); });
}

async function ready() {
  const month = /** @type {HTMLInputElement} */ ($('month'));
  const q = new URLSearchParams(location.search);
  const now = new Date();
  const last = new Date(now.getFullYear(), now.getMonth() - 1, 15); // last month is the one posted
  month.value = q.get('month') ?? `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, '0')}`;
  /** @type {HTMLInputElement} */ ($('county')).value = page.lang === 'zh' ? '本县' : 'The county';
  keep('county');
  keep('phone');
  for (const r of document.querySelectorAll('input[name=paper]')) {
    r.addEventListener('change', () => {
      const v = /** @type {HTMLInputElement} */ (document.querySelector('input[name=paper]:checked')).value;
      document.body.className = `paper-${v}`;
    });
  }
  $('village').addEventListener('change', draw);
  $('print').addEventListener('click', () => window.print());
  $('query').addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  try {
    for (const f of (await page.api.send('GET', '/v1/facilities')).result ?? []) names[f.code] = f.name;
  } catch { /* institutions show by code */ }
  await run();
}

/** run fetches the month's notice. */
async function run() {
  const msg = $('query-msg');
  msg.hidden = true;
  const month = /** @type {HTMLInputElement} */ ($('month')).value;
  try {
    notice = await page.get('/v1/reports/notice', { month });
  } catch (e) {
    msg.textContent = page.problem(e);
    msg.hidden = false;
    return;
  }
  $('csv').setAttribute('href', `/v1/reports/notice?${new URLSearchParams({ month, format: 'csv', lang: page.lang })}`);
  const sel = /** @type {HTMLSelectElement} */ ($('village'));
  const keepVillage = sel.value;
  sel.replaceChildren(h('option', { value: '' }, page.t('allVillages')),
    ...notice.villages.map((/** @type {any} */ v, /** @type {number} */ i) => h('option', { value: String(i) }, `${v.township} ${v.village}`)));
  if ([...sel.options].some((o) => o.value === keepVillage)) sel.value = keepVillage;
  draw();
}

/** draw puts one poster a village (or the chosen village's) on the page. */
function draw() {
  if (!notice) return;
  const choice = /** @type {HTMLSelectElement} */ ($('village')).value;
  const villages = choice === '' ? notice.villages : [notice.villages[Number(choice)]];
  const [year, month] = /** @type {HTMLInputElement} */ ($('month')).value.split('-').map(Number);
  const county = /** @type {HTMLInputElement} */ ($('county')).value;
  const phone = /** @type {HTMLInputElement} */ ($('phone')).value;
  const today = new Date().toISOString().slice(0, 10);
  const vars = { county, phone, year: year ?? '', month: month ?? '', date: today };
  const posters = villages.map((/** @type {any} */ v) => poster(v, vars));
  $('posters').replaceChildren(...(posters.length ? posters : [h('p', { class: 'panel' }, page.t('noNotice'))]));
  document.documentElement.dataset.drawn = String(Number(document.documentElement.dataset.drawn ?? 0) + 1);
}

/**
 * poster is one village's notice as printed.
 * @param {any} v  a village of the notice
 * @param {Record<string, string | number>} vars
 */
function poster(v, vars) {
  const t = (/** @type {string} */ k, /** @type {Record<string, string | number>} */ x = {}) => page.t(k, { ...vars, ...x });
  const cols = ['poster.seq', 'poster.name', 'poster.id', 'poster.type', 'poster.institution', 'poster.admission', 'poster.discharge', 'poster.total', 'poster.fund'];
  const rows = v.rows.map((/** @type {any} */ r, /** @type {number} */ i) => h('tr', { 'data-seq': String(r.seq) },
    h('td', {}, String(i + 1)), h('td', {}, r.name), h('td', { class: 'id' }, r.id),
    h('td', {}, groupLabel('visit_type', r.visitType, page.lang)), h('td', { class: 'place' }, names[r.institution] ?? r.institution),
    h('td', {}, r.admission), h('td', {}, r.discharge || '—'), h('td', { class: 'amount' }, r.total), h('td', { class: 'amount' }, r.fundTotal)));
  return h('article', { class: 'poster', 'data-village': v.village },
    h('h2', {}, t('poster.title')),
    h('p', { class: 'period' }, t('poster.period', { township: v.township, village: v.village || page.t('none') })),
    h('table', {},
      h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, ...rows),
      h('tfoot', {}, h('tr', {}, h('td', { colspan: '7' }, t('poster.sum', { n: v.visits })),
        h('td', { class: 'amount' }, v.total), h('td', { class: 'amount' }, v.fundTotal)))),
    h('p', { class: 'wording' }, t('poster.wording')),
    vars.phone ? h('p', {}, t('poster.phone')) : null,
    h('p', { class: 'sign' }, t('poster.sign')),
    h('p', { class: 'sign' }, t('poster.date')));
}

page.onLang.push(() => { if (notice) run(); });
page.start(ready);
