// @ts-check
// i18n.js: the desk's own words in Chinese (first) and English. The engine's
// explanations and error messages are not here: the page shows the engine's and the
// server's own (the trace's sentences, messageZh/message).

/** @typedef {'zh' | 'en'} Lang */

/** @type {Record<Lang, Record<string, string>>} */
export const tables = {
  zh: {
    title: '收费结算台', lead: '新农合住院、门诊费用即时结算', langSwitch: 'English',
    loginTitle: '操作员登录', login: '登录名', password: '密码', signIn: '登录', signOut: '退出',
    operator: '操作员', institution: '医疗机构',
    cardTitle: '第一步：刷卡', card: '合作医疗卡号', cardHint: '刷卡或输入卡号后按回车', presenter: '持卡人身份证号', verify: '核验',
    policy: '医保方案', visitDate: '就诊日期',
    personTitle: '第二步：参合人员', name: '姓名', residentID: '身份证号', household: '户号', category: '人员类别',
    enrolled: '本年参合', waiting: '等待期', tier: '缴费档次', benefitsFrom: '待遇开始日期',
    yes: '是', no: '否', notReadable: '预结算时显示县服务器登记的参合信息和本年已报销情况。',
    'cat.farmer': '农业人口', 'cat.urban': '城镇居民', 'cat.student': '学生', 'cat.child': '儿童',
    billTitle: '第三步：费用', visitType: '就诊类型', 'type.inpatient': '住院', 'type.outpatient': '门诊',
    class: '医疗机构级别', admission: '入院日期', discharge: '出院日期', invoice: '发票号', visitID: '就诊流水号',
    amountA: '甲类合计', amountB: '乙类合计', amountSelf: '全自费合计', amountOver: '超限价部分',
    feeList: '导入费用清单（CSV，GBK 或 UTF-8）', feeLines: '已导入 {n} 条明细，合计 {total} 元', clearLines: '清除明细',
    presettle: '预结算', settle: '结算', settleTitle: '第四步：预结算与结算',
    pageFigure: '本页计算', serverFigure: '县服务器', same: '本页计算与县服务器结果一致。',
    differ: '严重错误：本页计算与县服务器结果不一致！请勿结算，立即联系县合管办。不一致的项目：',
    offline: '县服务器连接不上：以下为本页估算，未结算，不能作为报销凭证。',
    notSettled: '未结算', settledNo: '结算单号',
    'd.total': '医疗总费用', 'd.selfPaid': '全自费', 'd.overLimit': '超限价', 'd.preSelfPay': '乙类先行自付',
    'd.scope': '政策范围内费用', 'd.deductible': '起付线', 'd.effectiveRatio': '实际报销比例',
    'd.fundTotal': '统筹基金支付合计', 'd.familyAccount': '家庭账户支付', 'd.cash': '个人现金支付', 'd.hospital': '医院承担',
    correct: '更正', correctSettle: '更正结算', corrects: '更正原结算单号', refund: '应退患者（负数为患者补缴）',
    enrollmentYears: '参合年度', stays: '本年已结算住院次数', fundUsed: '本年已支付',
    'd.funds': '各基金支付', 'd.policy': '政策版本', 'd.trace': '计算说明',
    fund: '基金', fundPaid: '本次支付', fundCap: '年度封顶', fundPaidBefore: '此前已付', fundLeftAfter: '本次后余',
    explanation: '计算说明',
    slipTitle: '新农合住院费用结算单', slipEstimate: '新农合费用估算单（未结算）', print: '打印结算单', paperA4: 'A4 纸', paper80: '80 毫米小票',
    dates: '就诊日期', recorded: '结算时间', policyVersion: '政策版本', policyHash: '政策摘要', signature: '患者（或家属）签字：',
    reverseTitle: '撤销结算', reason: '撤销原因', reverse: '撤销', reversedBy: '撤销单号 {seq}，原因：{reason}',
    reversed: '本结算已撤销', newVisit: '下一位',
    correctionReason: '更正原因', correctedBy: '本结算已更正：更正结算单号 {seq}，原因：{reason}', 'err.reason': '请填写更正原因。',
    reprint: '补打', reprintedAt: '补打时间', reprintTitle: '补打结算单', reprintSeq: '结算单号', reprintGo: '补打',
    manualMode: '手工报销', cardMode: '刷卡结算', manualTitle: '手工报销：患者全额自付后凭发票报销',
    manualLead: '卡或网络故障时患者已全额付费，凭发票到乡镇或县合管办报销：同一计算，报销款转入患者银行卡。',
    manualPerson: '患者身份证号', facility: '就诊医疗机构', invoiceNo: '发票号', invoiceDate: '开票日期', addInvoice: '添加发票',
    holder: '开户人', bank: '开户银行', bankCard: '银行卡号', payoutTo: '报销款（转入银行卡）',
    slipManual: '新农合手工报销结算单', manualStamp: '手工报销', manualSettle: '报销',
    'err.manual': '请填写患者身份证号、就诊医疗机构、至少一张发票和收款银行卡。',
    ready: '就绪', loading: '正在准备计算程序……', working: '正在处理……',
    'err.network': '连接不上县服务器。', 'err.amount': '金额格式不对：最多两位小数。', 'err.engine': '计算程序加载失败，请刷新页面。',
    'err.cardNumber': '请刷卡或输入卡号。', 'err.presenter': '请输入持卡人身份证号。',
    'next.card': '请持卡人到乡镇合管办或县合管办办理（挂失补办、解冻或重新办卡）后再来结算。',
    'next.impersonation': '卡与持卡人不符：请本人持卡和身份证前来；不得借用他人卡看病。',
    'next.enrollment': '请到乡镇合管办核实本年度参合缴费情况。',
    'next.default': '请核对后重试；仍不行请联系县合管办。',
  },
  en: {
    title: 'Checkout desk', lead: 'Settling NCMS inpatient and outpatient bills at the counter', langSwitch: '中文',
    loginTitle: 'Operator sign-in', login: 'Login', password: 'Password', signIn: 'Sign in', signOut: 'Sign out',
    operator: 'Operator', institution: 'Institution',
    cardTitle: 'Step 1: the card', card: 'Card number', cardHint: 'Swipe the card or type its number, then Enter', presenter: 'Presenter’s resident ID', verify: 'Verify',
    policy: 'Scheme', visitDate: 'Visit date',
    personTitle: 'Step 2: the person', name: 'Name', residentID: 'Resident ID', household: 'Household', category: 'Category',
    enrolled: 'Enrolled this year', waiting: 'Waiting period', tier: 'Tier', benefitsFrom: 'Benefits from',
    yes: 'yes', no: 'no', notReadable: 'The register’s enrollment and this year’s payments show at presettlement.',
    'cat.farmer': 'Farmer', 'cat.urban': 'Urban resident', 'cat.student': 'Student', 'cat.child': 'Child',
    billTitle: 'Step 3: the bill', visitType: 'Visit type', 'type.inpatient': 'Inpatient', 'type.outpatient': 'Outpatient',
    class: 'Facility class', admission: 'Admission', discharge: 'Discharge', invoice: 'Invoice no.', visitID: 'Visit id',
    amountA: 'Class A total', amountB: 'Class B total', amountSelf: 'Self-paid total', amountOver: 'Above price limit',
    feeList: 'Import a fee list (CSV, GBK or UTF-8)', feeLines: '{n} lines imported, total {total}', clearLines: 'Clear lines',
    presettle: 'Presettle', settle: 'Settle', settleTitle: 'Step 4: presettlement and settlement',
    pageFigure: 'This page', serverFigure: 'County server', same: 'This page and the county server agree.',
    differ: 'SERIOUS ERROR: this page and the county server disagree! Do not settle; call the county office. Differing:',
    offline: 'The county server cannot be reached: this is the page’s own estimate, NOT settled, not a receipt.',
    notSettled: 'Not settled', settledNo: 'Settlement no.',
    'd.total': 'Total', 'd.selfPaid': 'Wholly self-paid', 'd.overLimit': 'Above price limit', 'd.preSelfPay': 'Class B paid first',
    'd.scope': 'Within policy scope', 'd.deductible': 'Deductible', 'd.effectiveRatio': 'Effective ratio',
    'd.fundTotal': 'Paid by the funds', 'd.familyAccount': 'Family account', 'd.cash': 'Cash to pay', 'd.hospital': 'Borne by the hospital',
    correct: 'Correct', correctSettle: 'Settle the correction', corrects: 'Corrects settlement no.', refund: 'Refund to the patient (negative: the patient owes)',
    enrollmentYears: 'Enrolled years', stays: 'Stays settled this year', fundUsed: 'paid this year',
    'd.funds': 'Fund payments', 'd.policy': 'Policy', 'd.trace': 'Explanation',
    fund: 'Fund', fundPaid: 'Paid now', fundCap: 'annual cap', fundPaidBefore: 'paid before', fundLeftAfter: 'left after this visit',
    explanation: 'Explanation',
    slipTitle: 'NCMS settlement slip', slipEstimate: 'NCMS estimate (NOT SETTLED)', print: 'Print the slip', paperA4: 'A4', paper80: '80 mm receipt',
    dates: 'Dates', recorded: 'Recorded', policyVersion: 'Policy version', policyHash: 'Policy hash', signature: 'Patient (or family) signature:',
    reverseTitle: 'Reverse the settlement', reason: 'Reason', reverse: 'Reverse', reversedBy: 'reversal no. {seq}, reason: {reason}',
    reversed: 'This settlement is reversed', newVisit: 'Next patient',
    correctionReason: 'Reason for the correction', correctedBy: 'Corrected: by settlement no. {seq}, reason: {reason}', 'err.reason': 'Give the reason for the correction.',
    reprint: 'REPRINT', reprintedAt: 'reprinted', reprintTitle: 'Reprint a slip', reprintSeq: 'Settlement no.', reprintGo: 'Reprint',
    manualMode: 'Manual claim', cardMode: 'Card settlement', manualTitle: 'Manual claim: the patient paid in full and claims with the receipts',
    manualLead: 'The card or the network failed and the patient paid in full; the township or county office settles the receipts by the same calculation and pays to the patient’s bank card.',
    manualPerson: 'Patient’s resident ID', facility: 'Facility visited', invoiceNo: 'Invoice no.', invoiceDate: 'issued', addInvoice: 'Add an invoice',
    holder: 'Account holder', bank: 'Bank', bankCard: 'Bank card', payoutTo: 'Paid to the bank card',
    slipManual: 'NCMS manual claim slip', manualStamp: 'MANUAL CLAIM', manualSettle: 'Settle the claim',
    'err.manual': 'Give the patient’s resident ID, the facility, at least one invoice and the bank card.',
    ready: 'Ready', loading: 'Preparing the calculator…', working: 'Working…',
    'err.network': 'The county server cannot be reached.', 'err.amount': 'Not an amount: at most two decimals.', 'err.engine': 'The calculator failed to load; reload the page.',
    'err.cardNumber': 'Swipe or type the card number.', 'err.presenter': 'Type the presenter’s resident ID.',
    'next.card': 'Send the card holder to the township or county office (replace, unfreeze or reissue the card) first.',
    'next.impersonation': 'The card is not the presenter’s: the holder must come with the card and ID; cards may not be lent.',
    'next.enrollment': 'Ask the township office to check this year’s enrollment and payment.',
    'next.default': 'Check and try again; if it persists, call the county office.',
  },
};

/**
 * translate returns the text of key in lang with {name} placeholders filled; a key
 * missing from the table is returned as itself, so a gap shows rather than blanks.
 * @param {Lang} lang
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 * @returns {string}
 */
export function translate(lang, key, vars = {}) {
  const text = tables[lang]?.[key] ?? tables.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/**
 * nextStep says what to do after a card refusal, by the problem's code.
 * @param {string} code
 * @returns {string} an i18n key
 */
export function nextStep(code) {
  if (code === 'card_owner_mismatch') return 'next.impersonation';
  if (code === 'card_not_enrolled' || /enrol|waiting/.test(code)) return 'next.enrollment';
  if (/^card_/.test(code)) return 'next.card';
  return 'next.default';
}
