// Package apierr holds the error codes only the county server raises — access,
// the ledger, the registry, the checkout desk, HTTP — with their catalogue texts in
// English and Chinese. The engine never raises them, so they are not the core's; they
// are core.Code values all the same, so a core.Error carries them and the envelope is
// the one every host writes.
package apierr

import "github.com/ruralhealth/ncms/core"

// The county server's codes. The values are wire values and never change once
// released.
const (
	// Access and HTTP.
	Unauthorized     core.Code = "auth_unauthorized"
	Forbidden        core.Code = "auth_forbidden"
	NotFound         core.Code = "not_found"
	MethodNotAllowed core.Code = "method_not_allowed"

	// The ledger and the registry.
	SettlementConflict core.Code = "settlement_conflict"
	AlreadyReversed    core.Code = "settlement_already_reversed"
	SettlementReversed core.Code = "settlement_reversed"
	NotRegistered      core.Code = "person_not_registered"

	// The server's state.
	Unavailable      core.Code = "server_unavailable"
	Busy             core.Code = "server_busy"
	StoreUnavailable core.Code = "store_unavailable"
	ServerInternal   core.Code = "server_internal"

	// The checkout desk: operators, the facility register and invoices.
	AuthCredentials       core.Code = "auth_bad_credentials"
	AuthSession           core.Code = "auth_session_ended"
	AuthLocked            core.Code = "auth_locked"
	AuthCSRF              core.Code = "auth_csrf"
	OperatorTaken         core.Code = "operator_login_taken"
	FacilityUnknown       core.Code = "facility_unknown"
	FacilityClassMismatch core.Code = "facility_class_mismatch"
	InvoiceSettled        core.Code = "invoice_already_settled"

	// The county's books: statements, payments and the year-end close.
	YearClosed           core.Code = "year_closed"
	YearNotEnded         core.Code = "year_not_ended"
	PeriodNotEnded       core.Code = "statement_period_not_ended"
	StatementOverlap     core.Code = "statement_overlap"
	StatementApproved    core.Code = "statement_approved"
	StatementNotApproved core.Code = "statement_not_approved"
	StatementBatched     core.Code = "statement_batched"
	EntryNotInStatement  core.Code = "entry_not_in_statement"
	DeductionExceeds     core.Code = "deduction_exceeds_statement"
	BatchKeyConflict     core.Code = "batch_key_conflict"
	BatchEmpty           core.Code = "batch_empty"
	BatchPaid            core.Code = "batch_already_paid"
	// Households' books: contributions and family accounts.
	ContributionExists  core.Code = "contribution_exists"
	HouseholdIncomplete core.Code = "household_incomplete"
)

// Text returns the catalogue message for any code the server sends, in English and
// Chinese: its own codes' from this table, the core's from core.Code.Text.
func Text(c core.Code) (en, zh string) {
	switch c {
	case Unauthorized:
		return "missing or unknown API key", "缺少或无效的接口密钥"
	case Forbidden:
		return "this key may not do this", "该密钥无权执行此操作"
	case NotFound:
		return "not found", "未找到"
	case MethodNotAllowed:
		return "method not allowed", "不支持该请求方法"
	case SettlementConflict:
		return "this visit was already settled with a different bill; correct it instead", "该就诊已按不同费用结算，请走更正流程"
	case AlreadyReversed:
		return "settlement was already reversed", "该结算已撤销"
	case SettlementReversed:
		return "this bill's settlement of the visit was reversed; to settle it again, send the request with resettle=true",
			"该就诊此费用的结算已撤销；如需重新结算，请带上参数 \"resettle=true\" 再次提交"
	case NotRegistered:
		return "person is not in the county registry", "参合人员不在县登记库中"
	case AuthCredentials:
		return "wrong login or password", "登录名或密码错误"
	case AuthSession:
		return "not signed in, or the session has ended; sign in again", "未登录或会话已结束，请重新登录"
	case AuthLocked:
		return "too many failed logins; try again later (seconds to wait)", "登录失败次数过多，请稍后再试（需等待秒数）"
	case AuthCSRF:
		return "missing or wrong CSRF token", "缺少或错误的防跨站请求令牌"
	case OperatorTaken:
		return "an operator with this login already exists", "该登录名的操作员已存在"
	case FacilityUnknown:
		return "institution is not in the facility register on the visit date (institution, visit date)", "就诊日该医疗机构不在定点医疗机构登记中（机构、就诊日）"
	case FacilityClassMismatch:
		return "facility class differs from the facility register (institution, visit date: registered ≠ claimed)", "医疗机构类别与定点医疗机构登记不符（机构、就诊日：登记 ≠ 申报）"
	case InvoiceSettled:
		return "this invoice was already settled at this institution (invoice → settlement, visit)", "该发票已在本机构结算（发票 → 结算序号、就诊号）"
	case YearClosed:
		return "the year is closed: only the county may correct a settlement dated in it", "该年度已结账：年度内的结算只有县级可以更正"
	case YearNotEnded:
		return "a year can be closed only after it has ended", "年度结束后才能结账"
	case PeriodNotEnded:
		return "a statement covers days that have ended (today is not one)", "结算单只能包含已结束的日期（不含今天）"
	case StatementOverlap:
		return "another statement of the institution covers some of these days", "该机构已有结算单覆盖其中部分日期"
	case StatementApproved:
		return "the statement is approved; nothing more can be deducted", "结算单已审批，不能再扣款"
	case StatementNotApproved:
		return "the statement is not approved yet", "结算单尚未审批"
	case StatementBatched:
		return "the statement is already in a payment batch", "结算单已在拨付批次中"
	case EntryNotInStatement:
		return "the journal entry is not in this statement", "该台账记录不在本结算单中"
	case DeductionExceeds:
		return "deductions would exceed what the statement owes", "扣款合计将超过结算单应付金额"
	case BatchKeyConflict:
		return "this idempotency key names a batch made for another request", "该幂等键已用于另一个不同的拨付请求"
	case BatchEmpty:
		return "nothing to pay: no approved statement with a positive amount", "没有可拨付的款项：无已审批且金额为正的结算单"
	case BatchPaid:
		return "the batch was already marked paid otherwise", "该批次已按其他信息登记为已支付"
	case ContributionExists:
		return "this person's contribution for the year is already recorded (person year)", "该参合人员本年度的缴费已登记（人员 年度）"
	case HouseholdIncomplete:
		return "a household enrolls with all its members (以户参合); these registered members are missing", "须以户参合，以下登记成员未列入"
	case Unavailable:
		return "server is shutting down or cannot answer now; retry", "服务器正在关闭或暂时无法应答，请重试"
	case Busy:
		return "too many public requests; retry after the seconds in the Retry-After header", "公开接口请求过多，服务器繁忙，请按响应头所示的秒数稍后重试"
	case StoreUnavailable:
		return "the database is unavailable; retry after the Retry-After seconds", "数据库暂时不可用，请按响应头所示的秒数稍后重试"
	case ServerInternal:
		return "internal server error", "服务器内部错误"
	}
	return c.Text()
}

// NewError is core.NewError for any code the server sends, its own included: the
// message is the code's catalogue text (Text) followed by detail, shown in both
// languages, so detail only names values.
func NewError(code core.Code, path, detail string) *core.Error {
	return core.NewErrorIn(Text, code, path, detail, detail)
}

// NewErrorText is NewError with a detail in each language, for a detail in words.
func NewErrorText(code core.Code, path, en, zh string) *core.Error {
	return core.NewErrorIn(Text, code, path, en, zh)
}
