// @ts-check
// words.js: the words of the console's report, notice and import pages in Chinese
// (first) and English. Sign-in words are the checkout desk's (../desk/i18n.js), which
// t falls back to; the server's error messages are shown as the server wrote them.
import { translate } from '../desk/i18n.js';

/** @typedef {import('../desk/i18n.js').Lang} Lang */

/** @type {Record<Lang, Record<string, string>>} */
export const words = {
  zh: {
    'nav.reports': '统计报表', 'nav.notice': '村级公示', 'nav.import': '数据导入', 'nav.console': '县合管办',
    'reports.title': '统计报表', 'reports.lead': '日上报、周汇总、旬调度、月通报',
    kind: '报表', 'kind.day': '日上报', 'kind.week': '周汇总', 'kind.ten_day': '旬调度', 'kind.month': '月通报',
    from: '入院日期自', to: '至', groupBy: '分组', 'group.township': '乡镇', 'group.class': '医疗机构级别',
    'group.institution': '医疗机构', 'group.visit_type': '就诊类型', policy: '人均数取整依据的方案', show: '查询',
    'chart.groups': '各{group}统筹基金支付与人次', 'chart.trend': '各期统筹基金支付与人次', 'chart.budget': '{year}年统筹基金支出进度与年度预算',
    'ds.fund': '统筹基金支付（元）', 'ds.visits': '人次', 'ds.month': '当月支出（元）', 'ds.cumulative': '累计支出（元）', 'ds.budget': '年度预算（元）',
    period: '期间', group: '分组', visits: '人次', persons: '人数', total: '医疗总费用', fundTotal: '统筹基金支付',
    cash: '个人现金支付', perCapita: '人均补偿', effectiveRatio: '实际补偿比', subtotal: '合计',
    tableTitle: '明细表', exportCSV: '导出 CSV（Excel 可直接打开）', exportTotals: '导出合计 CSV',
    noBudget: '未设定{year}年度预算（县服务器启动参数 --budget {year}=金额）。', budgetLine: '{year}年度预算 {budget} 元，已支出 {spent} 元，使用率 {share}。',
    spentLine: '{year}年已支出 {spent} 元。', noRows: '所选期间没有结算。', none: '（无）',
    'vt.inpatient': '住院', 'vt.outpatient': '门诊', 'vt.maternity': '住院分娩', 'vt.special_outpatient': '门诊特殊病',
    'notice.title': '村级公示', 'notice.lead': '每月在各村张贴的住院补偿公示',
    month: '月份', village: '村', allVillages: '全部村', countyName: '县名', phone: '监督电话', paper: '纸张', paperA4: 'A4', paperA3: 'A3',
    print: '打印公示', downloadCSV: '下载 CSV',
    'poster.title': '{county}新型农村合作医疗补偿公示', 'poster.period': '{township}{village}　{year}年{month}月',
    'poster.seq': '序号', 'poster.name': '姓名', 'poster.id': '身份证号', 'poster.type': '就诊类型', 'poster.institution': '就诊医疗机构',
    'poster.admission': '入院日期', 'poster.discharge': '出院日期', 'poster.total': '医疗总费用（元）', 'poster.fund': '补偿金额（元）',
    'poster.sum': '合计 {n} 人次',
    'poster.wording': '以上为本村参合农民{year}年{month}月在定点医疗机构就诊的补偿情况，现予公示，公示期七天。如有异议，请在公示期内向乡镇合管办或县合管办反映。',
    'poster.phone': '监督电话：{phone}', 'poster.sign': '{county}新型农村合作医疗管理办公室', 'poster.date': '公示日期：{date}',
    noNotice: '该月没有结算，无须公示。',
    'import.title': '数据导入', 'import.lead': '参合花名册与定点医疗机构登记表（CSV，GBK 或 UTF-8）',
    importKind: '导入内容', 'import.roster': '参合花名册', 'import.facilities': '定点医疗机构登记表', file: '文件', charset: '文件编码',
    'cs.auto': '自动识别', 'cs.gbk': 'GBK（Excel 另存的 CSV）', 'cs.utf-8': 'UTF-8', upload: '导入',
    uploading: '正在上传 {pct}', processing: '已上传，县服务器正在核对……', checked: '已上传，县服务器已核对 {rows} 行……',
    'ok.roster': '导入成功：{rows} 行，{households} 户，{persons} 人（文件编码 {encoding}）。',
    'ok.facilities': '导入成功：{rows} 家医疗机构。',
    failed: '没有导入：文件有 {count} 个问题，请改正后重新导入（整个文件都未写入）。', shownFirst: '下面列出前 {n} 个。',
    'p.row': '表格行号', 'p.column': '列', 'p.problem': '问题', 'p.code': '问题类别', 'p.whole': '（整行）', 'p.file': '（整个文件）',
    'p.header': '表头', chooseFile: '请选择文件。',
    'col.household': '户号', 'col.township': '乡镇', 'col.village': '村', 'col.address': '居住地址', 'col.relation': '与户主关系',
    'col.id': '身份证号', 'col.name': '姓名', 'col.category': '人员类别', 'col.birthDate': '出生日期', 'col.year': '参合年度',
    'col.tier': '缴费档次', 'col.paidOn': '缴费日期', 'col.row': '序号', 'col.head': '户主姓名', 'col.certificate': '医保证号',
    'col.phone': '联系电话', 'col.code': '机构编码', 'col.class': '机构级别', 'col.inCounty': '县内', 'col.designated': '定点',
    'col.from': '起始日期', 'col.to': '截止日期', 'col.encoding': '文件编码',
  },
  en: {
    'nav.reports': 'Reports', 'nav.notice': 'Village notice', 'nav.import': 'Imports', 'nav.console': 'County office',
    'reports.title': 'Reports', 'reports.lead': 'Daily report, weekly summary, ten-day dispatch, monthly bulletin',
    kind: 'Report', 'kind.day': 'Daily report', 'kind.week': 'Weekly summary', 'kind.ten_day': 'Ten-day dispatch', 'kind.month': 'Monthly bulletin',
    from: 'Admitted from', to: 'to', groupBy: 'Group by', 'group.township': 'township', 'group.class': 'facility class',
    'group.institution': 'institution', 'group.visit_type': 'visit type', policy: 'Scheme for per-capita rounding', show: 'Show',
    'chart.groups': 'Fund payments and visits by {group}', 'chart.trend': 'Fund payments and visits by period', 'chart.budget': '{year}: fund spending against the annual budget',
    'ds.fund': 'Paid by the funds (yuan)', 'ds.visits': 'Visits', 'ds.month': 'Spent in the month (yuan)', 'ds.cumulative': 'Spent so far (yuan)', 'ds.budget': 'Annual budget (yuan)',
    period: 'Period', group: 'Group', visits: 'Visits', persons: 'Persons', total: 'Total cost', fundTotal: 'Paid by the funds',
    cash: 'Cash paid', perCapita: 'Per capita', effectiveRatio: 'Effective ratio', subtotal: 'Total',
    tableTitle: 'Table', exportCSV: 'Export CSV (opens in Excel)', exportTotals: 'Export totals CSV',
    noBudget: 'No budget for {year} (start the server with --budget {year}=AMOUNT).', budgetLine: '{year} budget {budget}, spent {spent}, {share} used.',
    spentLine: 'Spent in {year}: {spent}.', noRows: 'No settlements in the range.', none: '(none)',
    'vt.inpatient': 'Inpatient', 'vt.outpatient': 'Outpatient', 'vt.maternity': 'Maternity', 'vt.special_outpatient': 'Special outpatient',
    'notice.title': 'Village notice', 'notice.lead': 'The monthly public notice of reimbursements posted in each village',
    month: 'Month', village: 'Village', allVillages: 'All villages', countyName: 'County', phone: 'Complaints phone', paper: 'Paper', paperA4: 'A4', paperA3: 'A3',
    print: 'Print the notice', downloadCSV: 'Download CSV',
    'poster.title': '{county} rural cooperative medical scheme: public notice of reimbursements', 'poster.period': '{township} {village}, {month}/{year}',
    'poster.seq': 'No.', 'poster.name': 'Name', 'poster.id': 'Resident ID', 'poster.type': 'Visit type', 'poster.institution': 'Institution',
    'poster.admission': 'Admitted', 'poster.discharge': 'Discharged', 'poster.total': 'Total cost (yuan)', 'poster.fund': 'Reimbursed (yuan)',
    'poster.sum': 'Total: {n} visits',
    'poster.wording': 'These are the reimbursements of the village’s enrollees for visits in {month}/{year}, posted for seven days. Objections go to the township or county office within that time.',
    'poster.phone': 'Complaints: {phone}', 'poster.sign': '{county} cooperative medical scheme office', 'poster.date': 'Posted: {date}',
    noNotice: 'No settlements that month: nothing to post.',
    'import.title': 'Imports', 'import.lead': 'The enrollment roster and the facility register (CSV, GBK or UTF-8)',
    importKind: 'What to import', 'import.roster': 'Enrollment roster', 'import.facilities': 'Facility register', file: 'File', charset: 'Encoding',
    'cs.auto': 'Detect', 'cs.gbk': 'GBK (CSV saved by Excel)', 'cs.utf-8': 'UTF-8', upload: 'Import',
    uploading: 'Uploading {pct}', processing: 'Uploaded; the county server is checking it…', checked: 'Uploaded; the county server has checked {rows} rows…',
    'ok.roster': 'Imported: {rows} rows, {households} households, {persons} persons (read as {encoding}).',
    'ok.facilities': 'Imported: {rows} facilities.',
    failed: 'Not imported: the file has {count} problems; correct them and import again (nothing of it was stored).', shownFirst: 'The first {n} are listed.',
    'p.row': 'Sheet row', 'p.column': 'Column', 'p.problem': 'Problem', 'p.code': 'Code', 'p.whole': '(the row)', 'p.file': '(the file)',
    'p.header': 'header', chooseFile: 'Choose a file.',
    'col.household': 'household', 'col.township': 'township', 'col.village': 'village', 'col.address': 'address', 'col.relation': 'relation',
    'col.id': 'resident ID', 'col.name': 'name', 'col.category': 'category', 'col.birthDate': 'birth date', 'col.year': 'year',
    'col.tier': 'tier', 'col.paidOn': 'paid on', 'col.row': 'row no.', 'col.head': 'head of household', 'col.certificate': 'certificate',
    'col.phone': 'phone', 'col.code': 'code', 'col.class': 'class', 'col.inCounty': 'in county', 'col.designated': 'designated',
    'col.from': 'from', 'col.to': 'to', 'col.encoding': 'encoding',
  },
};

/**
 * t returns the console's text of key in lang with {name} placeholders filled; keys
 * it does not have are the desk's (sign-in, operator), and a key neither has is
 * returned as itself.
 * @param {Lang} lang
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 * @returns {string}
 */
export function t(lang, key, vars = {}) {
  const text = words[lang]?.[key] ?? words.zh[key];
  if (text === undefined) return translate(lang, key, vars);
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}
