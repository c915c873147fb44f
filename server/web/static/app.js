// app.js runs the estimator page: it loads the engine module, offers the county's
// policies, turns the form into an `estimate` request and shows the core's answer.
//
// Money is never a Number here. Amounts go to the engine as the text typed, read into
// the engine's strict form by amount.js (fullwidth digits, thousands commas), and every
// amount shown is a string the engine returned; the only arithmetic on amounts sizes
// the bars of the charts, in whole fen as BigInt. The words of the explanation are the
// engine's too: the request asks for them in the page's language ("lang"), so the
// page shows what every other host shows and carries no wording of its own for it.

import { load } from './ncms.js';
import { normaliseAmount } from './amount.js';

// A well-formed resident ID for the estimate: the engine checks that there is one, and
// whose it is changes nothing in the arithmetic. The family is not asked for theirs.
const SAMPLE_ID = '640221198001010015';

const TEXT = {
  zh: {
    title: '新农合报销估算',
    lead: '看病前或住院时，算一算新农合大概能报销多少钱、自己要付多少钱。',
    skip: '跳到估算结果',
    formTitle: '填写看病情况',
    loading: '正在准备计算程序……',
    ready: '',
    loadFailed: '计算程序没能加载，请检查网络后刷新页面。',
    broken: '计算出了问题，请刷新页面再试。',
    visitSection: '看病情况',
    policy: '医保方案（您所在的县）',
    sourceCounty: '县医保部门公布的方案。',
    sourceModule: '本页自带的示例方案。',
    illustrative: '示例方案：有些数字是举例，不是正式标准。',
    policyUnavailable: '这个方案现在取不到，请稍后再试或选别的方案。',
    effective: '{from} 起执行。',
    type: '看病类型',
    'type.inpatient': '住院',
    'type.single': '单病种住院（按病种定额）',
    'type.maternity': '住院分娩（生孩子）',
    'type.outpatient': '门诊',
    'type.special_outpatient': '慢性病、大病门诊',
    disease: '病种',
    delivery: '分娩方式',
    'delivery.normal': '顺产',
    'delivery.difficult': '难产（含剖宫产）',
    'delivery.multiple': '多胞胎',
    planning: '符合计划生育政策',
    class: '在哪一级医院看病',
    classOutside: '这家医院在县外：没有转诊证明，可能少报或不报。',
    classNotDesignated: '这不是定点医院：报销会少一些。',
    referral: '有转诊证明（到县外看病一般需要）',
    admission: '入院日期',
    visitDate: '看病日期',
    discharge: '出院日期（不知道可以不填）',
    category: '人员类别',
    tier: '缴费档次',
    billSection: '花了多少钱（元）',
    mode: '怎么填费用',
    modeSimple: '按类别填总数',
    modeItems: '一项一项填',
    billHint: '看发票或费用清单。只知道总数，就都填在第一栏。三栏加起来就是总费用，结果里会写出来，可以和发票对一对。',
    amountA: '一般医疗费用（甲类，能按比例报销）',
    amountB: '乙类费用（要先自己付一部分）',
    amountSelf: '全自费费用（不能报销的药和项目）',
    addLine: '＋ 添加一项费用',
    lineTitle: '第 {n} 项',
    lineName: '名称（可不填）',
    lineKind: '种类',
    lineClass: '报销类别',
    lineAmount: '金额（元）',
    lineRemove: '删除第 {n} 项',
    'kind.drug': '药品', 'kind.exam': '检查', 'kind.treatment': '治疗', 'kind.material': '材料',
    'kind.bed': '床位', 'kind.service': '护理等服务', 'kind.other': '其他',
    'class.A': '甲类（能报销）', 'class.B': '乙类（先自付一部分）', 'class.self': '全自费（不能报销）',
    yearSection: '今年已经报销的情况',
    poolPaid: '今年“{pool}”已经报销了多少（元）',
    prior: '今年这次之前已经住过几次院（不算这次）',
    years: '连续参加新农合几年了（算上今年）',
    yearsNote: '连续参合满一定年数，有的方案报销比例和封顶线会提高。',
    account: '家庭账户余额（元）',
    assume: '估算时假定：您按上面填的年数连续参加了新农合、每年都按时交了钱，不在等待期内。实际报销多少，以医院结算为准。',
    estimate: '估算',
    privacy: '计算在您的手机或电脑上进行，填写的内容不会上传。',
    resultTitle: '估算结果',
    schemePays: '新农合大约报销',
    youPay: '您自己大约付',
    fromAccount: '其中家庭账户付 {amount} 元，现金付 {cash} 元',
    hospitalBears: '医院承担（超出病种限价的部分）',
    yuan: '元',
    totalLine: '总费用 {total} 元',
    noBill: '填上花了多少钱，这里就会算出来。',
    split: '钱从哪里出',
    'seg.account': '家庭账户',
    'seg.cash': '自己付现金',
    'seg.hospital': '医院承担',
    funds: '各项基金报销',
    capTitle: '离年度封顶线还有多少',
    capLine: '每年最多报销 {cap} 元；这次以前今年已报销 {before} 元，这次报销 {amount} 元。',
    capLeft: '今年还能报销',
    warnings: '请注意',
    details: '费用明细',
    'd.total': '总费用', 'd.selfPaid': '全自费', 'd.overLimit': '超过限价的部分', 'd.preSelfPay': '乙类先自付',
    'd.scope': '能报销范围内的费用', 'd.deductible': '起付线（这次扣的）', 'd.familyAccount': '家庭账户付',
    'd.cash': '自己付现金', 'd.hospital': '医院承担', 'd.ratio': '实际报销比例',
    steps: '一步一步怎么算的',
    rule: '依据：',
    errorsTitle: '有几处要改一下：',
    engineLine: '计算程序 {engine}，方案 {policy}（{version}）',
    langButton: 'English',
    langLabel: 'Switch to English',
    'stage.eligibility': '参合', 'stage.scope': '报销范围', 'stage.route': '适用规定', 'stage.referral': '转诊',
    'stage.continuity': '连续参合', 'stage.deductible': '起付线', 'stage.ratio': '报销比例', 'stage.round': '取整',
    'stage.cap': '封顶线', 'stage.single_disease': '单病种', 'stage.maternity': '住院分娩', 'stage.layer': '大病和补充保险',
    'stage.family_account': '家庭账户', 'stage.cash': '合计',
  },
  en: {
    title: 'NCMS reimbursement estimate',
    lead: 'Before or during a hospital stay, see roughly what the rural cooperative medical scheme will pay and what your family pays.',
    skip: 'Skip to the estimate',
    formTitle: 'About the visit',
    loading: 'Getting the calculator ready…',
    ready: '',
    loadFailed: 'The calculator did not load. Check the connection and reload the page.',
    broken: 'Something went wrong in the calculation. Please reload the page.',
    visitSection: 'The visit',
    policy: 'Scheme (your county)',
    sourceCounty: 'Published by the county.',
    sourceModule: 'An example scheme built into this page.',
    illustrative: 'Example scheme: some numbers are examples, not official rates.',
    policyUnavailable: 'This scheme cannot be fetched now. Try again later or choose another.',
    effective: 'In force from {from}.',
    type: 'Kind of care',
    'type.inpatient': 'Hospital stay',
    'type.single': 'Hospital stay, fixed price for the illness',
    'type.maternity': 'Giving birth in hospital',
    'type.outpatient': 'Outpatient visit',
    'type.special_outpatient': 'Chronic or serious illness, outpatient',
    disease: 'Illness',
    delivery: 'Kind of birth',
    'delivery.normal': 'Normal',
    'delivery.difficult': 'Difficult (including caesarean)',
    'delivery.multiple': 'Twins or more',
    planning: 'Complies with family-planning policy',
    class: 'Level of hospital',
    classOutside: 'This hospital is outside the county: without a referral the scheme may pay less or nothing.',
    classNotDesignated: 'Not a designated hospital: the scheme pays less.',
    referral: 'I have a referral (usually needed outside the county)',
    admission: 'Admission date',
    visitDate: 'Date of the visit',
    discharge: 'Discharge date (leave empty if unknown)',
    category: 'Person category',
    tier: 'Contribution tier',
    billSection: 'What it cost (yuan)',
    mode: 'How to enter the cost',
    modeSimple: 'Totals by kind',
    modeItems: 'Item by item',
    billHint: 'Look at the invoice or the list of charges. If you only know the total, put it all in the first box. The three boxes add up to the total cost, which the estimate shows: check it against the invoice.',
    amountA: 'Ordinary medical costs (class A, paid at the ratio)',
    amountB: 'Class-B costs (you pay part first)',
    amountSelf: 'Wholly self-paid (drugs and items the scheme never pays)',
    addLine: '+ Add a charge',
    lineTitle: 'Charge {n}',
    lineName: 'Name (optional)',
    lineKind: 'Kind',
    lineClass: 'Scheme class',
    lineAmount: 'Amount (yuan)',
    lineRemove: 'Remove charge {n}',
    'kind.drug': 'Drug', 'kind.exam': 'Test or scan', 'kind.treatment': 'Treatment', 'kind.material': 'Materials',
    'kind.bed': 'Bed', 'kind.service': 'Nursing and services', 'kind.other': 'Other',
    'class.A': 'Class A (paid)', 'class.B': 'Class B (part paid first)', 'class.self': 'Self-paid (not paid)',
    yearSection: 'What the scheme has paid this year',
    poolPaid: 'Already paid this year by "{pool}" (yuan)',
    prior: 'Hospital stays earlier this year (not counting this one)',
    years: 'Years enrolled without a break (counting this year)',
    yearsNote: 'Some schemes pay a higher share and raise the cap after enough years in a row.',
    account: 'Family account balance (yuan)',
    assume: 'The estimate assumes you were enrolled without a break for the years given above and paid on time each year, so no waiting period applies. The hospital\'s settlement decides what is actually paid.',
    estimate: 'Estimate',
    privacy: 'The calculation runs on your phone or computer; nothing you enter is sent anywhere.',
    resultTitle: 'Estimate',
    schemePays: 'The scheme pays about',
    youPay: 'Your family pays about',
    fromAccount: '{amount} from the family account and {cash} in cash',
    hospitalBears: 'The hospital bears (above the fixed price)',
    yuan: 'yuan',
    totalLine: 'Total cost {total} yuan',
    noBill: 'Enter what it cost and the estimate appears here.',
    split: 'Who pays what',
    'seg.account': 'Family account',
    'seg.cash': 'You pay in cash',
    'seg.hospital': 'Hospital bears',
    funds: 'Paid by each fund',
    capTitle: 'How close to the annual cap',
    capLine: 'At most {cap} yuan a year; paid this year before this visit: {before} yuan; this visit: {amount} yuan.',
    capLeft: 'Can still pay this year',
    warnings: 'Please note',
    details: 'Breakdown',
    'd.total': 'Total cost', 'd.selfPaid': 'Wholly self-paid', 'd.overLimit': 'Above the price limit', 'd.preSelfPay': 'Class-B part paid first',
    'd.scope': 'Costs the scheme covers', 'd.deductible': 'Deductible (this visit)', 'd.familyAccount': 'From the family account',
    'd.cash': 'You pay in cash', 'd.hospital': 'Hospital bears', 'd.ratio': 'Share actually reimbursed',
    steps: 'How it was worked out, step by step',
    rule: 'Under ',
    errorsTitle: 'Please check:',
    engineLine: 'Calculator {engine}, scheme {policy} ({version})',
    langButton: '中文',
    langLabel: '切换到中文',
    'stage.eligibility': 'Enrollment', 'stage.scope': 'Covered costs', 'stage.route': 'Rule', 'stage.referral': 'Referral',
    'stage.continuity': 'Continuous years', 'stage.deductible': 'Deductible', 'stage.ratio': 'Ratio', 'stage.round': 'Rounding',
    'stage.cap': 'Annual cap', 'stage.single_disease': 'Fixed price', 'stage.maternity': 'Birth subsidy', 'stage.layer': 'Further insurance',
    'stage.family_account': 'Family account', 'stage.cash': 'Totals',
  },
};

const KINDS = ['treatment', 'drug', 'exam', 'material', 'bed', 'service', 'other'];
const CLASSES = ['A', 'B', 'self'];
// Visit types that are hospital stays: they have a discharge date and count admissions.
const STAYS = new Set(['inpatient', 'single', 'maternity']);

const $ = (id) => document.getElementById(id);

// h makes an element with attributes and children (strings become text, never HTML:
// policy names come from the county server).
function h(tag, attrs = {}, ...children) {
  const svg = ['svg', 'rect', 'title'].includes(tag);
  const e = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function initialLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'en' || asked === 'zh') return asked;
  try {
    const saved = localStorage.getItem('ncms-lang');
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // Storage may be off (private browsing); Chinese is the default.
  }
  return 'zh';
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembering is fine.
  }
}

// today returns the local date as YYYY-MM-DD, the form's default visit date.
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// fen reads a canonical amount ("8432.00") as whole fen, only to size a bar.
function fen(s) {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s ?? '');
  return m ? BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0')) : 0n;
}

// percent is part ÷ whole as a percentage with two decimals, for a bar's width.
function percent(part, whole) {
  if (whole <= 0n) return 0;
  const p = (part * 10000n) / whole;
  return Number(p > 10000n ? 10000n : p) / 100;
}

// percentText writes a rate the engine returned ("0.4744") as a percentage
// ("47.44%") by moving the decimal point in the text: no Number is involved.
function percentText(rate) {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(rate ?? '');
  if (!m) return rate ?? '';
  const frac = (m[3] ?? '').padEnd(2, '0');
  const whole = (m[2] + frac.slice(0, 2)).replace(/^0+(?=\d)/, '');
  const rest = frac.slice(2).replace(/0+$/, '');
  return `${m[1]}${whole}${rest ? `.${rest}` : ''}%`;
}

// named is a policy part's name in the page's language: the policy's English name
// when it gives one, else its own.
function named(part, lang) {
  return (lang === 'en' && part.nameEn) || part.name || part.code || part.id;
}

// policyLabels names each policy for the list of policies. Versions of one county's
// scheme share a long name and differ only in the bracket at its end ("…补偿方案（原方
// 案，全额累进）", "…（修订建议）"); a phone shows the start of an option only, so
// all of them would read the same. Where two names share everything before the
// bracket, the bracket comes first: "原方案，全额累进 — 平罗县…补偿方案".
function policyLabels(policies, lang) {
  const split = (name) => /^(.+?)\s*[（(]([^（）()]+)[)）]$/u.exec(name);
  const stems = new Map();
  for (const p of policies) {
    const m = split(named(p, lang));
    if (m) stems.set(m[1], (stems.get(m[1]) ?? 0) + 1);
  }
  return new Map(policies.map((p) => {
    const name = named(p, lang);
    const m = split(name);
    return [p.id, m && stems.get(m[1]) > 1 ? `${m[2]} — ${m[1]}` : name];
  }));
}

/** Estimator is the page: its form, the engine and the last answer. */
class Estimator {
  constructor() {
    this.lang = initialLang();
    this.engine = null;
    this.policies = [];
    this.doc = null;
    this.fields = [];
    this.last = null;
    this.seq = 0;
    this.timer = 0;
    this.lines = 0;
    this.timing = {};
    // The browser test reads the time to the first estimate from here.
    window.ncmsTiming = this.timing;
  }

  t(key, vars = {}) {
    const s = TEXT[this.lang][key] ?? TEXT.zh[key] ?? key;
    return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? vars[k] : `{${k}}`));
  }

  // start runs the page. The module and the county's list are already on their way
  // (see the end of this file); this waits for them and for the document.
  async start(engine, county, base) {
    await documentReady();
    this.applyText();
    this.setStatus('loading');
    try {
      this.engine = await engine;
    } catch (e) {
      this.setStatus('loadFailed', true);
      throw e;
    }
    this.timing.engineReady = performance.now();
    this.base = base;
    // The first call to the module makes its engine, compiling the example policies.
    this.policies = this.choosePolicies(await county);
    this.timing.policiesReady = performance.now();
    this.fillPolicies();
    this.wire();
    $('admission').value = today();
    let chosen = null;
    try {
      chosen = localStorage.getItem('ncms-policy');
    } catch {
      // No storage: the first policy.
    }
    await this.selectPolicy(this.policies.some((p) => p.id === chosen) ? chosen : this.policies[0]?.id);
    for (const e of $('form').querySelectorAll('[disabled]')) e.disabled = false;
    this.setStatus('ready');
    this.estimate(false);
    this.timing.firstEstimate = performance.now();
    performance.mark?.('ncms-first-estimate');
    document.documentElement.dataset.ready = 'true';
  }

  // choosePolicies returns the county's published policies when it publishes any, or
  // else the module's own example policies. A county policy the module does not have
  // (the same id, version and hash) is marked missing, to be fetched when chosen.
  choosePolicies(published) {
    const own = this.engine.listPolicies();
    const mine = own.ok ? own.result : [];
    const list = published?.ok === true && Array.isArray(published.result) ? published.result : [];
    const out = [];
    for (const p of list) {
      if (typeof p?.id !== 'string') continue;
      const have = mine.some((q) => q.id === p.id && q.version === p.version && q.hash === p.hash);
      out.push({ ...p, source: 'county', missing: !have });
    }
    const chosen = out.length > 0 ? out : mine.map((p) => ({ ...p, source: 'module', missing: false }));
    // One entry per policy: the engine picks the version in effect on the visit date.
    const byID = new Map();
    for (const p of chosen) byID.set(p.id, p);
    return [...byID.values()];
  }

  // loadCounty fetches a county policy the module lacks from <base>/<id>?version=<v>
  // and loads it; it reports whether the module now has it. The county server answers
  // with the canonical document; a get_policy envelope is taken too.
  async loadCounty(p) {
    if (!p.missing) return true;
    const got = await fetchJSON(`${this.base}/${encodeURIComponent(p.id)}?version=${encodeURIComponent(p.version ?? '')}`, 5000);
    const doc = got && 'ok' in got ? (got.ok === true ? got.result : null) : got;
    if (!doc || typeof doc !== 'object') return false;
    const loaded = this.engine.loadPolicy(doc);
    p.missing = !(loaded.ok && (!p.hash || loaded.result.hash === p.hash));
    return !p.missing;
  }

  fillPolicies() {
    const sel = $('policy');
    const chosen = sel.value;
    const labels = policyLabels(this.policies, this.lang);
    sel.replaceChildren(...this.policies.map((p) => h('option', { value: p.id, title: named(p, this.lang) }, labels.get(p.id))));
    if (chosen) sel.value = chosen;
  }

  wire() {
    const form = $('form');
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.estimate(true);
    });
    form.addEventListener('input', (ev) => {
      if (ev.target.matches('select, [type=checkbox], [type=radio]')) return; // "change" handles these
      this.schedule();
    });
    form.addEventListener('change', (ev) => {
      const id = ev.target.id;
      if (id === 'policy') {
        remember('ncms-policy', ev.target.value);
        this.selectPolicy(ev.target.value).then(() => this.schedule(0));
        return;
      }
      // An amount the page reads is shown as it is sent once the family leaves the
      // field ("８，４３２元" becomes "8432"), never while typing.
      if (ev.target.matches('input.money')) {
        const r = normaliseAmount(ev.target.value);
        if (r.ok && r.value !== ev.target.value) ev.target.value = r.value;
      }
      this.arrange();
      this.schedule(0);
    });
    $('lang').addEventListener('click', () => {
      this.lang = this.lang === 'zh' ? 'en' : 'zh';
      remember('ncms-lang', this.lang);
      this.applyText();
      this.fillPolicies();
      if (this.doc) this.fillPolicyControls(true);
      // The explanation is the engine's, in the language asked for: ask again.
      if (this.last) this.estimate(false);
    });
    $('add-line').addEventListener('click', () => {
      const row = this.addLine();
      row.querySelector('input').focus();
      this.schedule();
    });
  }

  schedule(delay = 250) {
    clearTimeout(this.timer);
    $('result').dataset.pending = 'true';
    this.timer = setTimeout(() => this.estimate(false), delay);
  }

  setStatus(key, error = false) {
    const s = $('status');
    s.dataset.key = key;
    s.textContent = this.t(key);
    s.hidden = s.textContent === '';
    s.classList.toggle('error', error);
  }

  applyText() {
    const html = document.documentElement;
    html.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    document.title = this.t('title');
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = this.t(e.dataset.t);
    const b = $('lang');
    b.textContent = this.t('langButton');
    b.lang = this.lang === 'zh' ? 'en' : 'zh-CN';
    b.setAttribute('aria-label', this.t('langLabel'));
    const s = $('status');
    if (s.dataset.key) this.setStatus(s.dataset.key, s.classList.contains('error'));
    for (const li of $('lines').children) this.labelLine(li);
  }

  // selectPolicy reads the policy document and offers its facility classes, visit
  // types, diseases, categories, tiers and pools. When the family changes policy
  // again while a county document is on its way, the later choice wins.
  async selectPolicy(id) {
    if (!id) return;
    const token = (this.choosing = (this.choosing ?? 0) + 1);
    $('policy').value = id;
    const info = this.policies.find((p) => p.id === id);
    if (info && !(await this.loadCounty(info))) {
      if (token !== this.choosing) return;
      this.doc = null;
      const msg = $('policy-msg');
      msg.hidden = false;
      msg.textContent = this.t('policyUnavailable');
      return;
    }
    if (token !== this.choosing) return;
    const env = this.engine.getPolicy({ schema: 1, policy: id });
    if (!env.ok) {
      this.doc = null;
      this.showErrors(env.errors, [['/policy', $('policy')]]);
      return;
    }
    $('policy-msg').hidden = true;
    this.doc = env.result;
    this.fillPolicyControls(false);
    $('form').dataset.policy = id;
  }

  fillPolicyControls(keep) {
    const doc = this.doc;
    const info = this.policies.find((p) => p.id === doc.id);
    const note = [this.t(info?.source === 'county' ? 'sourceCounty' : 'sourceModule')];
    // The option may put the words that tell versions apart first: the note gives the
    // policy's whole name.
    const full = named(info ?? doc, this.lang);
    if (info && policyLabels(this.policies, this.lang).get(info.id) !== full) note.unshift(this.lang === 'zh' ? `${full}。` : `${full}.`);
    if (doc.effective?.from) note.push(this.t('effective', { from: doc.effective.from }));
    if (doc.illustrative) note.push(this.t('illustrative'));
    $('policy-note').textContent = note.join(this.lang === 'zh' ? '' : ' ');

    const types = ['inpatient'];
    if (doc.singleDiseases?.length) types.push('single');
    if (doc.maternity) types.push('maternity');
    types.push('outpatient');
    if ((doc.benefits ?? []).some((b) => (b.visitTypes ?? []).includes('special_outpatient'))) types.push('special_outpatient');
    options($('type'), types.map((v) => [v, this.t(`type.${v}`)]), keep);
    const lang = this.lang;
    options($('class'), (doc.facilityClasses ?? []).map((c) => [c.code, named(c, lang)]), keep);
    options($('disease'), (doc.singleDiseases ?? []).map((d) => [d.code, lang === 'zh' ? `${named(d, lang)}（${d.code}）` : `${named(d, lang)} (${d.code})`]), keep);
    options($('category'), (doc.categories ?? []).map((c) => [c.code, named(c, lang)]), keep);
    options($('tier'), (doc.tiers ?? []).map((c) => [c.code, named(c, lang)]), keep);
    for (const o of $('delivery').options) o.textContent = this.t(`delivery.${o.value}`);

    const pools = $('pools');
    const old = new Map([...pools.querySelectorAll('input')].map((i) => [i.dataset.pool, i.value]));
    pools.replaceChildren(...(doc.pools ?? []).map((p, i) => moneyField(`pool-${i}`, this.t('poolPaid', { pool: named(p, lang) }),
      { 'data-pool': p.id, value: keep ? old.get(p.id) : undefined })));
    this.arrange();
  }

  // arrange shows the fields the chosen kind of care needs.
  arrange() {
    const doc = this.doc;
    const type = $('type').value;
    const stay = STAYS.has(type);
    $('disease-field').hidden = type !== 'single';
    $('delivery-field').hidden = type !== 'maternity';
    $('planning-field').hidden = !(type === 'maternity' && doc?.maternity?.requireFamilyPlanning);
    $('discharge-field').hidden = !stay;
    $('prior-field').hidden = !stay;
    $('tier-field').hidden = !(doc?.tiers?.length > 0);
    // The family account pays only the kinds of care the policy names.
    $('account-field').hidden = !(doc?.familyAccount?.visitTypes ?? []).includes(type === 'single' ? 'inpatient' : type);
    document.querySelector('label[for=admission]').textContent = this.t(stay ? 'admission' : 'visitDate');
    const cls = (doc?.facilityClasses ?? []).find((c) => c.code === $('class').value);
    $('class-note').textContent = !cls ? '' : !cls.inCounty ? this.t('classOutside') : !cls.designated ? this.t('classNotDesignated') : '';
    const items = document.querySelector('input[name=mode]:checked')?.value === 'items';
    $('simple').hidden = items;
    $('items').hidden = !items;
    if (items && $('lines').children.length === 0) this.addLine();
  }

  addLine() {
    const n = ++this.lines;
    const id = (f) => `line-${n}-${f}`;
    const li = h('li', { class: 'line', 'data-line': n },
      h('div', { class: 'field' }, h('label', { for: id('name') }), h('input', { id: id('name'), autocomplete: 'off', 'aria-describedby': `${id('name')}-msg` }),
        h('p', { id: `${id('name')}-msg`, class: 'msg', hidden: true })),
      h('div', { class: 'field' }, h('label', { for: id('kind') }), h('select', { id: id('kind') }, KINDS.map((k) => h('option', { value: k })))),
      h('div', { class: 'field' }, h('label', { for: id('class') }), h('select', { id: id('class') }, CLASSES.map((k) => h('option', { value: k })))),
      moneyField(id('amount'), ''),
      h('button', { type: 'button', class: 'remove' }, '×'));
    li.querySelector('.remove').addEventListener('click', () => {
      const next = li.nextElementSibling ?? li.previousElementSibling;
      li.remove();
      (next?.querySelector('input') ?? $('add-line')).focus();
      this.schedule(0);
    });
    $('lines').append(li);
    this.labelLine(li);
    return li;
  }

  labelLine(li) {
    const n = [...$('lines').children].indexOf(li) + 1;
    const id = `line-${li.dataset.line}`;
    li.setAttribute('aria-label', this.t('lineTitle', { n }));
    li.querySelector(`label[for=${id}-name]`).textContent = this.t('lineName');
    li.querySelector(`label[for=${id}-kind]`).textContent = this.t('lineKind');
    li.querySelector(`label[for=${id}-class]`).textContent = this.t('lineClass');
    li.querySelector(`label[for=${id}-amount]`).textContent = this.t('lineAmount');
    for (const o of li.querySelectorAll(`#${id}-kind option`)) o.textContent = this.t(`kind.${o.value}`);
    for (const o of li.querySelectorAll(`#${id}-class option`)) o.textContent = this.t(`class.${o.value}`);
    const rm = li.querySelector('.remove');
    rm.setAttribute('aria-label', this.t('lineRemove', { n }));
    rm.title = rm.getAttribute('aria-label');
  }

  // request builds the estimate request from the form, and the list of JSON pointers
  // into it with the input each came from, to place the engine's errors.
  request() {
    const doc = this.doc;
    const fields = [
      ['/policy', $('policy')], ['/claim/visit/type', $('type')], ['/claim/visit/class', $('class')],
      ['/claim/visit/referral', $('referral')], ['/claim/visit/admission', $('admission')],
      ['/claim/visit/discharge', $('discharge')], ['/claim/visit/disease', $('disease')],
      ['/claim/visit/delivery', $('delivery')], ['/claim/person/category', $('category')],
      ['/claim/totals/admissions', $('prior')], ['/claim/totals/familyAccount', $('account')],
      // Enrollment is built from the years enrolled (and the tier), the totals' year
      // from the visit date.
      ['/claim/person/enrollment', doc.tiers?.length ? $('tier') : $('years')],
      ['/claim/totals/year', $('admission')],
    ];
    const choice = $('type').value;
    const stay = STAYS.has(choice);
    const admission = $('admission').value;
    const discharge = stay ? $('discharge').value : '';
    const date = doc.visitDate === 'discharge' && discharge ? discharge : admission;
    const year = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Number(date.slice(0, 4)) : 0;

    const tier = doc.tiers?.length ? $('tier').value : undefined;
    // Enrolled and paid on 1 December for each of the years the family gives, without a
    // break, up to the visit year: the history the policy's continuity bonus counts.
    const years = Math.max(1, Number($('years').value) || 1);
    const enrollment = year ? Array.from({ length: years }, (_, i) => year - years + 1 + i)
      .map((y) => ({ year: y, tier, paidOn: `${y - 1}-12-01` })) : [];
    const person = { id: SAMPLE_ID, category: $('category').value, enrollment };
    if (choice === 'maternity') person.familyPlanning = !doc.maternity?.requireFamilyPlanning || $('planning').checked;

    const visit = {
      type: choice === 'single' ? 'inpatient' : choice,
      class: $('class').value,
      referral: $('referral').checked,
      admission,
    };
    if (discharge) visit.discharge = discharge;
    if (choice === 'single') visit.disease = $('disease').value;
    if (choice === 'maternity') visit.delivery = $('delivery').value;

    // Amounts are read as the family typed them (amount.js); one the page cannot read is
    // refused here, next to its field, and the engine is not asked.
    const errors = [];
    const read = (input, path) => {
      const r = normaliseAmount(input.value);
      if (r.ok) return r.value;
      fields.push([path, input]);
      errors.push({ code: r.code, path, message: r.message, messageZh: r.messageZh });
      return '';
    };
    const items = [];
    if ($('items').hidden) {
      for (const [code, cls, input] of [['A', 'A', $('amount-a')], ['B', 'B', $('amount-b')], ['SELF', 'self', $('amount-self')]]) {
        const amount = read(input, `/claim/items/${items.length}/amount`);
        if (amount === '') continue;
        fields.push([`/claim/items/${items.length}`, input]);
        items.push({ code, kind: 'other', class: cls, amount });
      }
    } else {
      for (const li of $('lines').children) {
        const id = `line-${li.dataset.line}`;
        const name = $(`${id}-name`).value.trim();
        const at = `/claim/items/${items.length}`;
        const amount = read($(`${id}-amount`), `${at}/amount`);
        if (name === '' && amount === '') continue;
        fields.push([at, $(`${id}-amount`)], [`${at}/name`, $(`${id}-name`)], [`${at}/kind`, $(`${id}-kind`)], [`${at}/class`, $(`${id}-class`)]);
        const item = { code: `L${items.length + 1}`, kind: $(`${id}-kind`).value, class: $(`${id}-class`).value, amount };
        if (name) item.name = name;
        items.push(item);
      }
    }

    const funds = [];
    for (const input of $('pools').querySelectorAll('input')) {
      const paid = read(input, `/claim/totals/funds/${funds.length}/paid`);
      if (paid === '') continue;
      fields.push([`/claim/totals/funds/${funds.length}`, input]);
      funds.push({ fund: input.dataset.pool, paid });
    }
    const prior = stay ? Number($('prior').value) : 0;
    const account = $('account-field').hidden ? '' : read($('account'), '/claim/totals/familyAccount');
    const totals = {
      year,
      funds,
      admissions: prior > 0 && visit.class ? [{ class: visit.class, count: prior }] : [],
      familyAccount: account === '' ? '0' : account,
    };
    return { req: { schema: 1, policy: $('policy').value, lang: this.lang, claim: { person, visit, items, totals } }, fields, errors };
  }

  // estimate asks the engine and shows the answer; focus moves to the first field in
  // error only when the family asked (pressed the button), not while typing.
  estimate(asked) {
    clearTimeout(this.timer);
    $('result').dataset.pending = 'false';
    if (!this.engine || !this.doc) {
      $('result').dataset.state = 'waiting';
      return;
    }
    const { req, fields, errors } = this.request();
    if (!asked && errors.length > 0 && errors.every((e) => fieldFor(e.path, fields) === document.activeElement)) {
      // Still typing in that field: "8," is on its way to "8,432". Its message waits
      // until the family leaves the field (change) or asks (submit).
      return;
    }
    this.fields = fields;
    let env = { ok: false, errors };
    try {
      if (errors.length === 0) env = this.engine.estimate(req);
    } catch (e) {
      this.setStatus('broken', true);
      throw e;
    }
    this.last = { env };
    this.render();
    if (asked && !env.ok) {
      const bad = document.querySelector('#form [aria-invalid=true]');
      (bad ?? $('result')).focus();
    } else if (asked) {
      // On a phone the answer is below the form: bring it into view.
      const box = $('result').getBoundingClientRect();
      if (box.top >= window.innerHeight || box.bottom <= 0) $('result').focus();
    }
  }

  render() {
    if (!this.last) return;
    const { env } = this.last;
    const section = $('result');
    const body = $('result-body');
    section.dataset.seq = String(++this.seq);
    if (!env.ok) {
      section.dataset.state = 'error';
      body.replaceChildren(...this.showErrors(env.errors, this.fields));
      return;
    }
    this.showErrors([], this.fields);
    section.dataset.state = 'ok';
    const r = env.result;
    body.replaceChildren(...this.summary(r), this.chart(r), ...this.fundList(r), ...this.cap(r),
      ...this.warnings(r), this.details(r), this.steps(r),
      h('p', { class: 'note engine' }, this.t('engineLine', { engine: r.engine, policy: r.policy.id, version: r.policy.version })));
  }

  amount(key, value) {
    return h('span', { class: 'amount', 'data-key': key, 'data-value': value }, value);
  }

  summary(r) {
    const out = [
      h('p', { class: 'headline pays' }, h('span', {}, this.t('schemePays')), ' ', h('strong', {}, this.amount('fundTotal', r.fundTotal)), ' ', this.t('yuan')),
      h('p', { class: 'headline own' }, h('span', {}, this.t('youPay')), ' ', h('strong', {}, this.amount('personal', r.personal)), ' ', this.t('yuan')),
    ];
    if (fen(r.familyAccount) > 0n) {
      out.push(h('p', { class: 'sub' }, this.t('fromAccount', { amount: r.familyAccount, cash: r.cash })));
    }
    if (fen(r.hospital) > 0n) {
      out.push(h('p', { class: 'sub' }, this.t('hospitalBears'), ' ', this.amount('hospital', r.hospital), ' ', this.t('yuan')));
    }
    out.push(h('p', { class: 'total' }, fen(r.total) === 0n ? this.t('noBill') : this.t('totalLine', { total: r.total })));
    return out;
  }

  // chart draws the split of the total as one bar: each fund, the family account, cash
  // and what the hospital bears. Widths come from whole fen; the labels are the
  // engine's strings.
  chart(r) {
    const total = fen(r.total);
    const parts = r.funds.map((f, i) => ({ cls: `seg-fund-${i % 4}`, label: f.name || f.fund, value: f.amount }));
    parts.push({ cls: 'seg-account', label: this.t('seg.account'), value: r.familyAccount });
    parts.push({ cls: 'seg-cash', label: this.t('seg.cash'), value: r.cash });
    parts.push({ cls: 'seg-hospital', label: this.t('seg.hospital'), value: r.hospital });
    const shown = parts.filter((p) => fen(p.value) > 0n);
    const said = shown.map((p) => `${p.label} ${p.value} ${this.t('yuan')}`).join('；');
    const svg = h('svg', { class: 'bar', role: 'img', 'aria-label': `${this.t('split')}：${said || this.t('noBill')}`, preserveAspectRatio: 'none', viewBox: '0 0 100 10' });
    let x = 0;
    svg.append(h('rect', { class: 'seg-empty', x: 0, y: 0, width: 100, height: 10 }));
    for (const p of shown) {
      const w = percent(fen(p.value), total);
      svg.append(h('rect', { class: p.cls, x, y: 0, width: w, height: 10, 'data-key': `bar:${p.cls}` }, h('title', {}, `${p.label} ${p.value}`)));
      x += w;
    }
    const legend = h('ul', { class: 'legend' }, shown.map((p) =>
      h('li', {}, h('span', { class: `swatch ${p.cls}`, 'aria-hidden': 'true' }), `${p.label} `, h('span', { class: 'amount' }, p.value), ` ${this.t('yuan')}`)));
    return h('figure', { class: 'split' }, h('figcaption', {}, this.t('split')), svg, legend);
  }

  fundList(r) {
    if (r.funds.length === 0) return [];
    return [h('h3', {}, this.t('funds')), h('ul', { class: 'funds' }, r.funds.map((f) =>
      h('li', { 'data-fund': f.fund }, h('span', {}, f.name || f.fund), h('span', {}, this.amount(`fund:${f.fund}`, f.amount), ` ${this.t('yuan')}`))))];
  }

  // cap shows, for each fund with a cap, the annual cap, what it paid this year before
  // this visit and on it, and what it can still pay: the engine's figures for the fund
  // (the cap raised for continuous years, or a facility's lower cap, already applied).
  cap(r) {
    const out = [];
    for (const f of r.funds) {
      if (f.cap === null || f.cap === undefined) continue;
      const block = h('div', { class: 'cap', 'data-fund': f.fund }, h('h4', {}, f.name || f.fund),
        h('p', {}, this.t('capLine', { cap: f.cap, before: f.paidBefore, amount: f.amount })),
        h('svg', { class: 'capbar', 'aria-hidden': 'true', preserveAspectRatio: 'none', viewBox: '0 0 100 4' },
          h('rect', { class: 'seg-empty', x: 0, y: 0, width: 100, height: 4 }),
          h('rect', { class: 'seg-used', x: 0, y: 0, width: percent(fen(f.paidBefore) + fen(f.amount), fen(f.cap)), height: 4 })),
        h('span', { hidden: true, 'data-key': `cap:${f.fund}`, 'data-value': f.cap }),
        h('span', { hidden: true, 'data-key': `capBefore:${f.fund}`, 'data-value': f.paidBefore }),
        h('p', { class: 'left' }, `${this.t('capLeft')} `, h('strong', {}, this.amount(`capLeft:${f.fund}`, f.left)), ` ${this.t('yuan')}`));
      out.push(block);
    }
    return out.length > 0 ? [h('h3', {}, this.t('capTitle')), ...out] : [];
  }

  warnings(r) {
    if (!r.warnings?.length) return [];
    return [h('div', { class: 'warnings', role: 'note' }, h('h3', {}, this.t('warnings')),
      h('ul', {}, r.warnings.map((w) => h('li', { 'data-code': w.code }, this.lang === 'zh' ? w.messageZh : w.message))))];
  }

  details(r) {
    const ratio = percentText(r.effectiveRatio);
    const rows = [['total', r.total], ['selfPaid', r.selfPaid], ['overLimit', r.overLimit], ['preSelfPay', r.preSelfPay],
      ['scope', r.scope], ['deductible', r.deductible], ['familyAccount', r.familyAccount], ['cash', r.cash], ['hospital', r.hospital]];
    return h('details', { class: 'details' }, h('summary', {}, this.t('details')),
      h('dl', {}, rows.map(([k, v]) => [h('dt', {}, this.t(`d.${k}`)), h('dd', {}, this.amount(k, v), ` ${this.t('yuan')}`)]),
        h('dt', {}, this.t('d.ratio')), h('dd', { 'data-key': 'effectiveRatio', 'data-value': r.effectiveRatio }, ratio)));
  }

  // steps lists the engine's explanation: each step's sentence and the clause of the
  // printed scheme it cites, in the language the page asked for.
  steps(r) {
    return h('details', { class: 'steps', open: true }, h('summary', {}, this.t('steps')),
      h('ol', {}, (r.trace ?? []).map((s) => h('li', { 'data-note': s.note, 'data-stage': s.stage },
        h('span', { class: 'stage' }, this.t(`stage.${s.stage}`)),
        h('span', { class: 'sentence' }, s.text ?? ''),
        s.clause ? h('span', { class: 'rule' }, this.t('rule'), h('cite', {}, s.clause)) : null))));
  }

  // showErrors puts each error's message next to the input its path points at (the
  // longest pointer in fields that is the path or contains it) and returns the list of
  // every error for the result panel, with links to the fields.
  showErrors(errors, fields) {
    for (const m of document.querySelectorAll('#form .msg')) {
      m.hidden = true;
      m.replaceChildren();
    }
    for (const e of document.querySelectorAll('#form [aria-invalid]')) e.removeAttribute('aria-invalid');
    if (errors.length === 0) return [];
    const list = h('ul', { class: 'errors' });
    for (const err of errors) {
      const text = this.lang === 'zh' ? err.messageZh : err.message;
      const input = fieldFor(err.path, fields);
      if (input) {
        const msg = $(`${input.id}-msg`);
        if (msg) {
          msg.hidden = false;
          msg.append(h('span', { 'data-code': err.code, 'data-path': err.path }, text));
        }
        input.setAttribute('aria-invalid', 'true');
        list.append(h('li', { 'data-code': err.code, 'data-path': err.path }, h('a', { href: `#${input.id}` }, text)));
      } else {
        list.append(h('li', { 'data-code': err.code, 'data-path': err.path }, text));
      }
    }
    return [h('p', { class: 'errors-title' }, this.t('errorsTitle')), list];
  }
}

// fieldFor returns the input for an error path: the field whose pointer is the path or
// its longest prefix at a segment boundary.
function fieldFor(path, fields) {
  let best = null;
  let len = -1;
  for (const [p, input] of fields) {
    if ((path === p || path.startsWith(`${p}/`)) && p.length > len && input) {
      best = input;
      len = p.length;
    }
  }
  return best;
}

// options replaces a select's options, keeping the chosen value when it is still offered.
function options(select, pairs, keep) {
  const was = select.value;
  select.replaceChildren(...pairs.map(([v, text]) => h('option', { value: v }, text)));
  if (keep && pairs.some(([v]) => v === was)) select.value = was;
}

// moneyField is a labelled amount input with a place for a message: the page's, when
// it cannot read the amount (amount.js), or the engine's.
function moneyField(id, label, attrs = {}) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, class: 'money', inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00', 'aria-describedby': `${id}-msg`, ...attrs }),
    h('p', { id: `${id}-msg`, class: 'msg', hidden: true }));
}

// fetchJSON returns the parsed JSON at url, or null when it cannot: a county server
// without the list, a static host, a timeout.
async function fetchJSON(url, ms) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    const res = await fetch(url, { signal: ctl.signal, headers: { Accept: 'application/json' } });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return null;
    return await res.json();
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function documentReady() {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
}

// This script runs as soon as it arrives (it is async), before the document is
// parsed: the module's compilation, the longest step, and the county's list start
// at once, and the page waits for the document only after.
{
  const base = document.querySelector('meta[name="ncms-policies"]')?.content ?? '';
  // boot.js has started the compilation, unless it has not run yet (it is async too):
  // then this fetch is the one, and boot.js leaves it alone.
  if (!window.ncmsModule) window.ncmsModule = fetch('ncms.wasm');
  const engine = load(window.ncmsModule);
  engine.catch(() => {}); // start reports it
  const county = base ? fetchJSON(base, 2500) : Promise.resolve(null);
  new Estimator().start(engine, county, base);
}
