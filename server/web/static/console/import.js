// @ts-check
// import.js: the roster (POST /v1/registry/import) and facility register (POST
// /v1/facilities/import) imports. The file goes up as it is, with the encoding the
// clerk chose (or "auto", the server detects GBK or UTF-8); XMLHttpRequest reports the
// upload's progress, which fetch cannot. Nothing is imported unless every row is
// right, and then every problem is shown by sheet row and column.
import { $, h } from '../desk/views.js';
import { Page } from './session.js';
import { problemRows } from './problems.js';

/** @typedef {import('./problems.js').Kind} Kind */

const page = new Page();
/** @type {Record<Kind, string>} */
const routes = { roster: '/v1/registry/import', facilities: '/v1/facilities/import' };
/** @type {{ kind: Kind, status: number, env: any } | null} the last answer, redrawn on a language switch */
let last = null;

/** @param {HTMLSelectElement} sel @param {string[]} values @param {(v: string) => string} label */
function options(sel, values, label) {
  const keep = sel.value;
  sel.replaceChildren(...values.map((v) => h('option', { value: v }, label(v))));
  if (keep) sel.value = keep;
}

function labelControls() {
  options(/** @type {HTMLSelectElement} */ ($('kind')), Object.keys(routes), (k) => page.t(`import.${k}`));
  options(/** @type {HTMLSelectElement} */ ($('charset')), ['auto', 'gbk', 'utf-8'], (c) => page.t(`cs.${c}`));
}

async function ready() {
  labelControls();
  $('import-form').addEventListener('submit', (ev) => { ev.preventDefault(); send(); });
}

/**
 * upload posts the file with the session's CSRF token and reports the upload's
 * progress as a fraction.
 * @param {string} url
 * @param {File} file
 * @param {(done: number) => void} progress
 * @returns {Promise<{ status: number, env: any }>}
 */
function upload(url, file, progress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', url);
    x.setRequestHeader('Content-Type', 'text/csv');
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('X-CSRF-Token', page.api.token());
    x.upload.addEventListener('progress', (ev) => { if (ev.lengthComputable) progress(ev.loaded / ev.total); });
    x.upload.addEventListener('load', () => progress(1));
    x.addEventListener('load', () => {
      let env;
      try {
        env = JSON.parse(x.responseText);
      } catch {
        env = { ok: false, errors: [] };
      }
      resolve({ status: x.status, env });
    });
    x.addEventListener('error', () => reject(new Error(page.t('err.network'))));
    x.send(file);
  });
}

async function send() {
  const kind = /** @type {Kind} */ (/** @type {HTMLSelectElement} */ ($('kind')).value);
  const file = /** @type {HTMLInputElement} */ ($('file')).files?.[0];
  const bar = /** @type {HTMLProgressElement} */ ($('progress'));
  const text = $('progress-text');
  if (!file) {
    text.textContent = page.t('chooseFile');
    return;
  }
  const charset = /** @type {HTMLSelectElement} */ ($('charset')).value;
  $('outcome').hidden = true;
  bar.hidden = false;
  bar.value = 0;
  /** @type {HTMLButtonElement} */ ($('upload')).disabled = true;
  // The roster import says how many rows it has checked, under an id of the page's.
  // (getRandomValues, not randomUUID: a county server on plain http is no secure context.)
  const progress = kind === 'roster' ? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('') : '';
  document.documentElement.dataset.progressId = progress;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let poll;
  const query = new URLSearchParams({ charset });
  if (progress) query.set('progress', progress);
  try {
    const res = await upload(`${routes[kind]}?${query}`, file, (done) => {
      bar.value = done;
      text.textContent = done < 1 ? page.t('uploading', { pct: `${Math.floor(done * 100)}%` }) : page.t('processing');
      if (done === 1 && progress && poll === undefined) poll = setInterval(() => checked(progress), 500);
    });
    last = { kind, ...res };
    text.textContent = '';
    outcome();
  } catch (e) {
    text.textContent = page.problem(e);
  } finally {
    clearInterval(poll);
    /** @type {HTMLButtonElement} */ ($('upload')).disabled = false;
    document.documentElement.dataset.imported = String(Number(document.documentElement.dataset.imported ?? 0) + 1);
  }
}

/**
 * checked shows how many rows the server has checked of the import running under id.
 * @param {string} id
 */
async function checked(id) {
  try {
    const p = await page.get('/v1/registry/import/progress', { id });
    if (!p.done) $('progress-text').textContent = page.t('checked', { rows: p.rows });
  } catch { /* not started yet, or another replica's: the upload bar stays */ }
}

/** outcome shows the last import's answer: the counts, or every problem by row and column. */
function outcome() {
  if (!last) return;
  const { kind, env } = last;
  $('outcome').hidden = false;
  const out = $('outcome-text');
  const table = $('problems');
  if (env.ok) {
    out.className = 'ok';
    out.textContent = page.t(`ok.${kind}`, env.result);
    table.replaceChildren();
    return;
  }
  // The roster's answer counts every problem and lists the first; the register's lists all.
  const problems = env.errors ?? [];
  const count = env.problemCount ?? problems.length;
  out.className = 'msg';
  out.textContent = page.t('failed', { count }) + (count > problems.length ? page.t('shownFirst', { n: problems.length }) : '');
  const rows = problemRows(problems, kind, page.lang);
  table.replaceChildren(
    h('thead', {}, h('tr', {}, ...['p.row', 'p.column', 'p.problem'].map((k) => h('th', { scope: 'col' }, page.t(k))))),
    h('tbody', {}, ...rows.map((r) => h('tr', { 'data-code': r.code }, h('td', { 'data-key': 'row' }, r.row),
      h('td', { 'data-key': 'column' }, r.column), h('td', { 'data-key': 'message' }, r.message)))));
}

page.onLang.push(() => { labelControls(); outcome(); });
page.start(ready);
