// trace.js renders a settlement's trace — the steps the core recorded, each a note
// naming what was decided and the values that went in and came out — as sentences in
// Chinese or English.
//
// It is core/trace's Render, written again for the browser because the module returns
// the steps as data, not sentences. The wording must stay the Go package's word for
// word: server/web's tests render every template and the traces of the conformance
// vectors both ways and compare.

// Chinese and English wording of each note; {name} is the step's value of that name.
const templates = {
  eligible: ['{year}年已参合，享受{tier}档待遇，连续参合{continuous}年',
    'Enrolled for {year}, {tier} tier benefits, {continuous} continuous years'],
  eligible_untiered: ['{year}年已参合，连续参合{continuous}年', 'Enrolled for {year}, {continuous} continuous years'],
  not_enrolled: ['{year}年未参合，基金不予支付', 'Not enrolled for {year}: the fund pays nothing'],
  waiting: ['待遇等待期至{from}，就诊日{date}在等待期内，基金不予支付',
    'Waiting period until {from}; the visit on {date} falls inside it: the fund pays nothing'],
  tier_pending: ['升档待遇自{from}起生效，本次按{tier}档结算', 'Higher tier benefits start {from}; settled at tier {tier}'],
  scope: ['总费用{total}元，全自费{selfPaid}元，超限价{overLimit}元，乙类先行自付{preSelfPay}元，政策范围内费用{scope}元',
    'Total {total}; wholly self-paid {selfPaid}; over price limit {overLimit}; class-B pre-self-pay {preSelfPay}; policy-scope cost {scope}'],
  benefit: ['适用补偿规定：{benefit}', 'Benefit rule applied: {benefit}'],
  not_covered: ['方案对该就诊无补偿规定，基金不予支付', 'The policy has no benefit for this visit: the fund pays nothing'],
  referral_reduce: ['县外就医未转诊，报销比例降低{points}', 'Out-of-county care without referral: ratio lowered by {points}'],
  referral_refuse: ['县外就医未转诊，不予报销', 'Out-of-county care without referral: not payable'],
  continuity: ['连续参合{years}年，报销比例提高{points}', '{years} continuous years: ratio raised by {points}'],
  category: ['人员类别调整报销比例{points}', 'Person category adjusts the ratio by {points}'],
  deductible_first: ['本年第{admission}次住院，起付线{deductible}元，本次扣除{applied}元',
    'Admission {admission} this year: deductible {deductible}, applied {applied}'],
  deductible_later: ['本年第{admission}次住院，适用再次住院起付线{deductible}元，本次扣除{applied}元',
    'Admission {admission} this year: later-admission deductible {deductible}, applied {applied}'],
  deductible_year: ['年度起付线{deductible}元，已累计{paidBefore}元，本次扣除{applied}元',
    'Annual deductible {deductible}, {paidBefore} already met, applied {applied}'],
  deductible_none: ['无起付线', 'No deductible'],
  band: ['{from}–{to}元部分{amount}元，按{rate}报销{pay}元', 'Slice {from}–{to}: {amount} at {rate} pays {pay}'],
  band_whole: ['费用达到{from}元以上段，全额{amount}元按{rate}报销{pay}元',
    'Cost reaches the band above {from}: the whole {amount} at {rate} pays {pay}'],
  capped_fee: ['限费医疗：个人负担不超过{limit}元，个人付{patient}元，基金付{pay}元',
    'Capped-fee care: the patient pays at most {limit}; patient {patient}, fund {pay}'],
  round: ['{exact}元按{mode}取整到{scale}位小数为{amount}元', '{exact} rounded {mode} to {scale} decimals is {amount}'],
  visit_cap: ['单次支付限额{cap}元，本次支付{amount}元', 'Per-visit limit {cap}: pays {amount}'],
  annual_cap: ['年度封顶线{cap}元，已支付{paidBefore}元，本次可支付{available}元，实付{amount}元',
    'Annual cap {cap}, {paidBefore} already paid, {available} available, pays {amount}'],
  single_disease_above: ['单病种{disease}限价{price}元：基金定额支付{fund}元，个人自付{patient}元，超出部分{hospital}元由医院承担',
    'Single disease {disease} priced at {price}: fund pays {fund}, patient {patient}, hospital bears {hospital}'],
  single_disease_below: ['单病种{disease}实际费用{total}元低于限价{price}元（{below}）：基金支付{fund}元，个人自付{patient}元',
    'Single disease {disease} cost {total} below price {price} ({below}): fund {fund}, patient {patient}'],
  single_disease_outside: ['单病种{disease}不适用于本机构，按普通规定结算', 'Single disease {disease} price does not apply here: ordinary rules'],
  single_disease_refused: ['单病种{disease}不适用于本机构，不予报销', 'Single disease {disease} price does not apply here: not payable'],
  maternity: ['住院分娩（{delivery}）定额补助{subsidy}元，支付{pay}元', 'Maternity ({delivery}) fixed subsidy {subsidy}: pays {pay}'],
  maternity_ineligible: ['不符合住院分娩补助条件（缴费{paid}年，要求{required}年）',
    'Maternity subsidy conditions not met ({paid} years paid, {required} required)'],
  layer_ratio: ['{fund}：计算基数{base}元，起付{threshold}元，支付{pay}元', '{fund}: base {base}, threshold {threshold}, pays {pay}'],
  layer_topup: ['{fund}：补足实际报销比例至{target}，应达{goal}元，已付{paid}元，补付{pay}元',
    '{fund}: tops the effective ratio up to {target}: goal {goal}, paid {paid}, pays {pay}'],
  family_account: ['家庭账户余额{balance}元，支付{pay}元，余{after}元', 'Family account balance {balance}: pays {pay}, leaves {after}'],
  cash: ['基金合计支付{funds}元，家庭账户{familyAccount}元，个人现金{cash}元，医院承担{hospital}元，实际报销比例{ratio}',
    'Funds pay {funds}, family account {familyAccount}, cash {cash}, hospital bears {hospital}; effective ratio {ratio}'],
};

/** render returns one sentence per step, in Chinese for lang "zh" and English otherwise. */
export function render(steps, lang) {
  return (steps ?? []).map((s) => sentence(s, lang));
}

/** sentence renders one step; a note without wording renders as the note itself. */
export function sentence(step, lang) {
  const wording = Object.prototype.hasOwnProperty.call(templates, step.note ?? '') ? templates[step.note] : ['', ''];
  let t = lang === 'zh' ? wording[0] : wording[1];
  if (t === '') t = step.note ?? '';
  let out = '';
  for (;;) {
    const i = t.indexOf('{');
    if (i < 0) {
      out += t;
      break;
    }
    const j = t.indexOf('}', i);
    if (j < 0) {
      out += t;
      break;
    }
    out += t.slice(0, i) + lookup(step, t.slice(i + 1, j));
    t = t.slice(j + 1);
  }
  return out;
}

// lookup finds a value by name, among the outputs first; "?" when the step has none.
function lookup(step, name) {
  for (const list of [step.out, step.in]) {
    for (const v of list ?? []) if (v.name === name) return v.value;
  }
  return '?';
}

/** notes lists the notes that have wording, for tests. */
export function notes() {
  return Object.keys(templates);
}
