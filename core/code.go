package core

// Error codes. The prefix names the layer that raises the code; the values are the
// wire values and never change once released.
const (
	// Request envelope and JSON decoding.
	RequestMalformed    Code = "request_malformed_json"
	RequestUnknownField Code = "request_unknown_field"
	RequestType         Code = "request_wrong_type"
	RequestSchema       Code = "request_schema_unsupported"
	RequestTooLarge     Code = "request_too_large"
	RequestUnknownOp    Code = "request_unknown_operation"

	// Field values, wherever they occur.
	FieldRequired   Code = "field_required"
	FieldInvalid    Code = "field_invalid"
	AmountInvalid   Code = "amount_invalid"
	AmountNegative  Code = "amount_negative"
	AmountPrecision Code = "amount_precision"
	AmountTooLarge  Code = "amount_too_large"
	RateInvalid     Code = "rate_invalid"
	DateInvalid     Code = "date_invalid"
	DateOrder       Code = "date_order"
	// Text that is not valid UTF-8, holds a control character or U+FFFD, or is
	// longer than its field allows (see core/text).
	FieldTextInvalid Code = "field_text_invalid"
	FieldTooLong     Code = "field_too_long"

	// Policy documents.
	PolicyNotFound     Code = "policy_not_found"
	PolicyDuplicate    Code = "policy_duplicate_code"
	PolicyReference    Code = "policy_unknown_reference"
	PolicyBandOrder    Code = "policy_band_order"
	PolicyNotEffective Code = "policy_not_effective"
	PolicyConflict     Code = "policy_version_conflict"

	// Claims.
	ClaimUnknownClass    Code = "claim_unknown_facility_class"
	ClaimUnknownDisease  Code = "claim_unknown_disease"
	ClaimUnknownCategory Code = "claim_unknown_category"
	ClaimUnknownTier     Code = "claim_unknown_tier"
	ClaimUnknownFund     Code = "claim_unknown_fund"
	ClaimTotalsYear      Code = "claim_totals_year"
	ClaimTooManyItems    Code = "claim_too_many_items"

	// Resident ID numbers (GB 11643).
	IDLength      Code = "id_length"
	IDCharset     Code = "id_charset"
	IDRegion      Code = "id_region"
	IDBirthDate   Code = "id_birth_date"
	IDBirthFuture Code = "id_birth_future"
	IDChecksum    Code = "id_checksum"

	// Bank cards, certificates and card records (一卡通).
	CardLength        Code = "card_number_length"
	CardCharset       Code = "card_number_charset"
	CardLuhn          Code = "card_luhn"
	CardInvalid       Code = "card_number_invalid"
	CardIssuer        Code = "card_issuer"
	CertificateFormat Code = "certificate_format"
	CardLost          Code = "card_reported_lost"
	CardReplaced      Code = "card_replaced"
	CardSuspended     Code = "card_suspended"
	CardCancelled     Code = "card_cancelled"
	CardOwnerMismatch Code = "card_owner_mismatch"
	CardNotEnrolled   Code = "card_not_enrolled"
	CardTransition    Code = "card_invalid_transition"

	// Batch card-opening rosters.
	RosterIllegalChar Code = "roster_illegal_character"
	RosterDuplicate   Code = "roster_duplicate"
	RosterPhone       Code = "roster_phone"
	RosterEmpty       Code = "roster_empty"

	// The engine itself: a bug, never the caller's fault.
	EngineInternal Code = "engine_internal"
)

// Warning codes: the claim settles, but the result says why the fund paid less than a
// reader might expect.
const (
	WarnNotEnrolled           Code = "warn_not_enrolled"
	WarnWaitingPeriod         Code = "warn_waiting_period"
	WarnReferralMissing       Code = "warn_referral_missing"
	WarnReferralRefused       Code = "warn_referral_refused"
	WarnCapReached            Code = "warn_cap_reached"
	WarnDeductibleExceeds     Code = "warn_deductible_exceeds_cost"
	WarnSingleDiseaseFallback Code = "warn_single_disease_fallback"
	WarnMaternityIneligible   Code = "warn_maternity_ineligible"
	WarnTierPending           Code = "warn_tier_upgrade_pending"
	WarnVisitCapReached       Code = "warn_visit_cap_reached"
	WarnFamilyAccountEmpty    Code = "warn_family_account_empty"
	WarnNotCovered            Code = "warn_not_covered"
)

// Text returns the catalogue message for the code in English and Chinese.
func (c Code) Text() (en, zh string) {
	switch c {
	case RequestMalformed:
		return "request is not well-formed JSON", "请求不是合法的 JSON"
	case RequestUnknownField:
		return "unknown field", "未知字段"
	case RequestType:
		return "value has the wrong JSON type", "字段类型错误"
	case RequestSchema:
		return "unsupported schema version", "不支持的数据格式版本"
	case RequestTooLarge:
		return "request is too large", "请求过大"
	case RequestUnknownOp:
		return "unknown operation", "未知操作"
	case FieldRequired:
		return "field is required", "缺少必填字段"
	case FieldInvalid:
		return "field value is invalid", "字段取值无效"
	case AmountInvalid:
		return "amount must be a decimal string such as \"12.30\"", "金额须为十进制字符串，如 \"12.30\""
	case AmountNegative:
		return "amount must not be negative", "金额不能为负数"
	case AmountPrecision:
		return "amount has more than two decimal places (fen)", "金额精度不能超过分（两位小数）"
	case AmountTooLarge:
		return "amount is too large", "金额过大"
	case RateInvalid:
		return "ratio must be a decimal string between 0 and 1", "比例须为 0 到 1 之间的十进制字符串"
	case DateInvalid:
		return "date must be a real calendar date YYYY-MM-DD", "日期须为有效的 YYYY-MM-DD"
	case DateOrder:
		return "dates are out of order", "日期先后顺序错误"
	case FieldTextInvalid:
		return "text must be valid UTF-8 without control characters", "文本须为有效的 UTF-8 编码且不含控制字符"
	case FieldTooLong:
		return "text is too long", "文本过长"
	case PolicyNotFound:
		return "policy not found", "未找到补偿方案"
	case PolicyDuplicate:
		return "code is defined twice", "代码重复定义"
	case PolicyReference:
		return "reference to an undefined code", "引用了未定义的代码"
	case PolicyBandOrder:
		return "bands must start at 0 and ascend", "分段须从 0 开始并递增"
	case PolicyNotEffective:
		return "policy is not in effect on the visit date", "就诊日期不在补偿方案有效期内"
	case PolicyConflict:
		return "a different policy with this id and version is already loaded", "已加载同编号同版本的不同方案"
	case ClaimUnknownClass:
		return "facility class is not defined by the policy", "医疗机构类别未在方案中定义"
	case ClaimUnknownDisease:
		return "disease code is not in the policy's single-disease list", "病种编码不在方案的单病种目录中"
	case ClaimUnknownCategory:
		return "person category is not defined by the policy", "人员类别未在方案中定义"
	case ClaimUnknownTier:
		return "contribution tier is not defined by the policy", "缴费档次未在方案中定义"
	case ClaimUnknownFund:
		return "fund or pool is not defined by the policy", "基金或累计池未在方案中定义"
	case ClaimTotalsYear:
		return "year-to-date totals are for another year than the visit", "年度累计与就诊年度不符"
	case ClaimTooManyItems:
		return "too many items", "明细条目过多"
	case IDLength:
		return "resident ID must have 18 (or old-style 15) characters", "身份证号须为 18 位（或旧式 15 位）"
	case IDCharset:
		return "resident ID has characters other than digits and a final X", "身份证号只能由数字和末位 X 组成"
	case IDRegion:
		return "resident ID region code is not valid", "身份证号地区码无效"
	case IDBirthDate:
		return "resident ID birth date is not a real date", "身份证号出生日期无效"
	case IDBirthFuture:
		return "resident ID birth date is in the future", "身份证号出生日期晚于当前日期"
	case IDChecksum:
		return "resident ID check character is wrong", "身份证号校验码错误"
	case CardLength:
		return "bank card number must have 16 to 19 digits", "银行卡号须为 16 至 19 位数字"
	case CardCharset:
		return "bank card number must contain digits only", "银行卡号只能包含数字"
	case CardLuhn:
		return "bank card number check digit is wrong", "银行卡号校验位错误"
	case CardInvalid:
		return "bank card number starts with 0, which is no bank card range", "银行卡号以 0 开头，不属于银行卡号段"
	case CardIssuer:
		return "bank card issuer is not accepted by the policy", "发卡行不在方案允许范围内"
	case CertificateFormat:
		return "certificate number does not match the policy's format", "医保证号格式不符合方案规定"
	case CardLost:
		return "card has been reported lost", "卡已挂失"
	case CardReplaced:
		return "card has been replaced by a new card", "卡已补换，旧卡停用"
	case CardSuspended:
		return "card is suspended", "卡已暂停使用"
	case CardCancelled:
		return "card is cancelled", "卡已注销"
	case CardOwnerMismatch:
		return "card does not belong to the presenter (possible impersonation)", "持卡人与卡主身份不符（疑似冒名顶替）"
	case CardNotEnrolled:
		return "card holder is not enrolled on the visit date", "持卡人就诊日未参合"
	case CardTransition:
		return "card status change is not allowed", "不允许的卡状态变更"
	case RosterIllegalChar:
		return "text field contains a space or illegal character", "文本字段含空格等非法字符"
	case RosterDuplicate:
		return "row duplicates an earlier row", "与前面的行重复"
	case RosterPhone:
		return "phone number is not valid", "联系电话无效"
	case RosterEmpty:
		return "roster has no rows", "花名册为空"
	case EngineInternal:
		return "internal engine error", "引擎内部错误"
	case WarnNotEnrolled:
		return "person is not enrolled for the visit date; the fund pays nothing", "就诊日未参合，基金不予支付"
	case WarnWaitingPeriod:
		return "visit falls in the waiting period; the fund pays nothing", "就诊日处于待遇等待期，基金不予支付"
	case WarnReferralMissing:
		return "out-of-county care without referral; ratio reduced", "县外就医未办理转诊，报销比例降低"
	case WarnReferralRefused:
		return "out-of-county care without referral is not payable", "县外就医未办理转诊，不予报销"
	case WarnCapReached:
		return "annual cap reached; payment limited", "已达年度封顶线，支付受限"
	case WarnDeductibleExceeds:
		return "cost does not exceed the deductible", "费用未超过起付线"
	case WarnSingleDiseaseFallback:
		return "single-disease price does not apply here; settled by ordinary rules", "不适用单病种限价，按普通规定结算"
	case WarnMaternityIneligible:
		return "maternity subsidy conditions not met", "不符合住院分娩补助条件"
	case WarnTierPending:
		return "higher tier benefits not yet in effect; lower tier applied", "高档待遇尚未生效，按低档结算"
	case WarnVisitCapReached:
		return "per-visit limit reached", "已达单次支付限额"
	case WarnNotCovered:
		return "the policy has no benefit for this visit; the fund pays nothing", "方案对该就诊无补偿规定，基金不予支付"
	case WarnFamilyAccountEmpty:
		return "family account balance is exhausted", "家庭账户余额不足"
	}
	return string(c), string(c)
}
