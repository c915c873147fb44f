// @ts-check
// i18n.js: the console's own words in Chinese (first) and English, added to the
// desk's tables under "c." keys so that the desk's translate() serves both and the
// slip the console reprints reads as the desk's. The engine's explanations, the
// server's error messages and the audit's flag messages are not here: the page shows
// their own (trace text, messageZh/message).
import { tables, translate } from '../desk/i18n.js';

/** @typedef {import('../desk/i18n.js').Lang} Lang */

/** @type {Record<Lang, Record<string, string>>} */
export const words = {
  zh: {
    'c.title': '县合管办工作台', 'c.lead': '结算查询、参合档案、医保卡和稽核',
    'c.nav.search': '结算查询', 'c.nav.persons': '参合档案', 'c.nav.flags': '稽核疑点',
    'c.nav.reports': '统计报表', 'c.nav.notice': '村级公示', 'c.nav.import': '数据导入',
    'c.settledFrom': '结算日期自', 'c.settledTo': '至', 'c.visitFrom': '就诊日期自', 'c.visitTo': '至',
    'c.institution': '医疗机构编码', 'c.township': '乡镇', 'c.village': '村', 'c.person': '身份证号', 'c.household': '户号',
    'c.visitType': '就诊类型', 'c.status': '状态', 'c.minTotal': '医疗总费用不低于', 'c.maxTotal': '不高于', 'c.any': '全部',
    'c.search': '查询', 'c.clear': '清空条件', 'c.next': '下一页', 'c.prev': '上一页', 'c.page': '第 {n} 页',
    'c.none': '没有符合条件的结算。', 'c.more': '还有更多，请翻页。', 'c.end': '已到最后一页。',
    'vt.inpatient': '住院', 'vt.outpatient': '普通门诊', 'vt.special_outpatient': '慢性病门诊', 'vt.maternity': '住院分娩',
    'st.live': '有效', 'st.reversed': '已撤销', 'st.corrected': '已更正',
    'c.seq': '结算单号', 'c.recorded': '结算时间', 'c.dates': '就诊日期', 'c.total': '总费用', 'c.fundTotal': '统筹支付', 'c.cash': '个人支付',
    'c.open': '查看',
    'c.detailTitle': '结算单 {seq}', 'c.back': '返回列表', 'c.storedResult': '存档的计算结果', 'c.visit': '就诊流水号', 'c.disease': '疾病诊断',
    'c.operator': '经办人', 'c.key': '经办密钥', 'c.reversedBy': '已被撤销，撤销单号', 'c.correctedBy': '已被更正，更正单号', 'c.corrects': '更正的原结算单号',
    'c.noText': '该结算未保存文字说明（结算时未指定语言）。', 'c.textLang': '计算说明为结算时计算程序所写。',
    'c.reprint': '补打结算单', 'c.reverseTitle': '撤销这笔结算', 'c.reason': '原因（必填）', 'c.reverse': '撤销',
    'c.correctTitle': '更正这笔结算（修改费用后重新结算）', 'c.item': '项目', 'c.amount': '金额', 'c.correct': '提交更正',
    'c.reasonRequired': '请填写原因。', 'c.done': '已完成。',
    'c.personTitle': '参合人员档案', 'c.lookup': '查档', 'c.year': '年度', 'c.lookupHint': '输入身份证号或户号', 'c.householdTitle': '家庭档案 {id}',
    'c.name': '姓名', 'c.birth': '出生日期', 'c.category': '人员类别', 'c.years': '参合年度', 'c.paidOn': '缴费日期', 'c.tier': '缴费档次',
    'c.address': '住址', 'c.head': '户主', 'c.members': '家庭成员',
    'c.totalsTitle': '{year} 年已报销（对照封顶线）', 'c.fund': '基金', 'c.paid': '已支付', 'c.visits': '次数', 'c.cap': '年度封顶', 'c.remaining': '剩余',
    'c.noPaid': '该年度尚无报销。', 'c.capBonus': '（连续参合可提高封顶）', 'c.noCap': '无封顶', 'c.familyAccount': '家庭账户已用', 'c.admissions': '本年住院次数',
    'c.settlementsTitle': '结算记录', 'c.allSettlements': '查询全部结算',
    'c.cardsTitle': '医保卡及其记录', 'c.noCards': '没有医保卡。', 'c.cardNumber': '卡号', 'c.certificate': '医疗证号', 'c.issued': '发卡日期',
    'c.cardStatus': '卡状态', 'c.event': '事项', 'c.eventDate': '日期', 'c.recordedAt': '登记时间', 'c.by': '经办', 'c.why': '原因',
    'c.actDate': '日期', 'c.act': '办理', 'c.newCard': '新卡号（补卡）', 'c.newCardRequired': '补卡请填写新卡号。', 'c.issueTitle': '发新卡', 'c.issue': '发卡',
    'ev.issue': '发卡', 'ev.report_lost': '挂失', 'ev.reverse_loss': '解挂', 'ev.replace': '补卡', 'ev.exchange': '换卡',
    'ev.suspend': '暂停', 'ev.restore': '恢复', 'ev.freeze': '冻结', 'ev.unfreeze': '解冻', 'ev.cancel': '注销',
    'cs.active': '正常', 'cs.lost': '已挂失', 'cs.replaced': '已补换', 'cs.suspended': '已暂停', 'cs.frozen': '已冻结', 'cs.cancelled': '已注销',
    'c.flagsTitle': '稽核疑点', 'c.month': '月份', 'c.code': '疑点类型', 'c.list': '列出',
    'fl.audit_drug_share': '药占比超标', 'fl.audit_duplicate_bill': '重复发票', 'fl.audit_overlapping_stay': '住院时间重叠',
    'fl.audit_waiting_period': '等待期内报销', 'fl.audit_not_enrolled': '未参合报销',
    'c.entries': '涉及结算', 'c.message': '说明', 'c.noFlags': '该月没有疑点。',
    'c.forbidden': '您的角色不能使用这一项。',
  },
  en: {
    'c.title': 'County office console', 'c.lead': 'Settlements, records, cards and audit',
    'c.nav.search': 'Settlements', 'c.nav.persons': 'Records', 'c.nav.flags': 'Audit flags',
    'c.nav.reports': 'Reports', 'c.nav.notice': 'Village notice', 'c.nav.import': 'Import',
    'c.settledFrom': 'Settled from', 'c.settledTo': 'to', 'c.visitFrom': 'Visit from', 'c.visitTo': 'to',
    'c.institution': 'Institution code', 'c.township': 'Township', 'c.village': 'Village', 'c.person': 'Resident ID', 'c.household': 'Household',
    'c.visitType': 'Visit type', 'c.status': 'Status', 'c.minTotal': 'Total at least', 'c.maxTotal': 'at most', 'c.any': 'Any',
    'c.search': 'Search', 'c.clear': 'Clear', 'c.next': 'Next page', 'c.prev': 'Previous page', 'c.page': 'Page {n}',
    'c.none': 'No settlement matches.', 'c.more': 'More follow: next page.', 'c.end': 'The last page.',
    'vt.inpatient': 'Inpatient', 'vt.outpatient': 'Outpatient', 'vt.special_outpatient': 'Special outpatient', 'vt.maternity': 'Maternity',
    'st.live': 'Live', 'st.reversed': 'Reversed', 'st.corrected': 'Corrected',
    'c.seq': 'No.', 'c.recorded': 'Settled', 'c.dates': 'Visit', 'c.total': 'Total', 'c.fundTotal': 'Funds paid', 'c.cash': 'Cash',
    'c.open': 'Open',
    'c.detailTitle': 'Settlement {seq}', 'c.back': 'Back to the list', 'c.storedResult': 'The stored result', 'c.visit': 'Visit id', 'c.disease': 'Diagnosis',
    'c.operator': 'Operator', 'c.key': 'Key', 'c.reversedBy': 'Reversed by no.', 'c.correctedBy': 'Corrected by no.', 'c.corrects': 'Corrects no.',
    'c.noText': 'This settlement kept no explanation text (settled without a language).', 'c.textLang': 'The explanation as the engine wrote it at settlement.',
    'c.reprint': 'Reprint the slip', 'c.reverseTitle': 'Reverse this settlement', 'c.reason': 'Reason (required)', 'c.reverse': 'Reverse',
    'c.correctTitle': 'Correct this settlement (change the bill and settle again)', 'c.item': 'Item', 'c.amount': 'Amount', 'c.correct': 'Submit the correction',
    'c.reasonRequired': 'Give a reason.', 'c.done': 'Done.',
    'c.personTitle': 'Enrollment records', 'c.lookup': 'Look up', 'c.year': 'Year', 'c.lookupHint': 'A resident ID or a household id', 'c.householdTitle': 'Household {id}',
    'c.name': 'Name', 'c.birth': 'Born', 'c.category': 'Category', 'c.years': 'Enrolled years', 'c.paidOn': 'Paid on', 'c.tier': 'Tier',
    'c.address': 'Address', 'c.head': 'Head', 'c.members': 'Members',
    'c.totalsTitle': 'Paid in {year} against the caps', 'c.fund': 'Fund', 'c.paid': 'Paid', 'c.visits': 'Visits', 'c.cap': 'Annual cap', 'c.remaining': 'Left',
    'c.noPaid': 'Nothing paid in this year yet.', 'c.capBonus': ' (raised for continuous years)', 'c.noCap': 'no cap', 'c.familyAccount': 'Family account used', 'c.admissions': 'Stays this year',
    'c.settlementsTitle': 'Settlements', 'c.allSettlements': 'Search all settlements',
    'c.cardsTitle': 'Cards and their history', 'c.noCards': 'No card.', 'c.cardNumber': 'Card no.', 'c.certificate': 'Certificate', 'c.issued': 'Issued',
    'c.cardStatus': 'Status', 'c.event': 'Event', 'c.eventDate': 'Date', 'c.recordedAt': 'Recorded', 'c.by': 'By', 'c.why': 'Reason',
    'c.actDate': 'Date', 'c.act': 'Record', 'c.newCard': 'New card no. (replacement)', 'c.newCardRequired': 'A replacement needs the new card’s number.', 'c.issueTitle': 'Issue a new card', 'c.issue': 'Issue',
    'ev.issue': 'Issue', 'ev.report_lost': 'Report lost', 'ev.reverse_loss': 'Reverse loss', 'ev.replace': 'Replace', 'ev.exchange': 'Exchange',
    'ev.suspend': 'Suspend', 'ev.restore': 'Restore', 'ev.freeze': 'Freeze', 'ev.unfreeze': 'Unfreeze', 'ev.cancel': 'Cancel',
    'cs.active': 'Active', 'cs.lost': 'Lost', 'cs.replaced': 'Replaced', 'cs.suspended': 'Suspended', 'cs.frozen': 'Frozen', 'cs.cancelled': 'Cancelled',
    'c.flagsTitle': 'Audit flags', 'c.month': 'Month', 'c.code': 'Flag', 'c.list': 'List',
    'fl.audit_drug_share': 'Drug share over the limit', 'fl.audit_duplicate_bill': 'Duplicate invoice', 'fl.audit_overlapping_stay': 'Overlapping stays',
    'fl.audit_waiting_period': 'Claim in the waiting period', 'fl.audit_not_enrolled': 'Claim while not enrolled',
    'c.entries': 'Entries', 'c.message': 'Why', 'c.noFlags': 'No flag this month.',
    'c.forbidden': 'Your role cannot use this.',
  },
};

for (const lang of /** @type {Lang[]} */ (['zh', 'en'])) Object.assign(tables[lang], words[lang]);

/**
 * The card events a counter records from the console, in the order offered, and
 * the card statuses each applies to (the server's lifecycle decides; this only
 * spares the clerk a button that would be refused).
 * @type {{ event: string, from: string[] }[]}
 */
export const cardActions = [
  { event: 'report_lost', from: ['active'] },
  { event: 'reverse_loss', from: ['lost'] },
  { event: 'replace', from: ['lost'] },
  { event: 'suspend', from: ['active'] },
  { event: 'restore', from: ['suspended'] },
  { event: 'cancel', from: ['active', 'lost', 'suspended', 'frozen'] },
];

export { translate };
