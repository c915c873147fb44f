package identity

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen Card ID Roster

import (
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
)

// Luhn reports whether digits, at least two ASCII digits, end in a correct Luhn (ISO/IEC
// 7812) check digit, which catches every single-digit typo in a bank card number.
func Luhn(digits string) bool {
	sum, ok := luhnSum(digits, false)
	return ok && len(digits) >= 2 && sum%10 == 0
}

// LuhnDigit returns the Luhn check digit that completes body (ASCII digits), as a bank
// issuing a card number computes it.
func LuhnDigit(body string) (byte, error) {
	// The digit to come will be undoubled, so the body's last digit is doubled.
	sum, ok := luhnSum(body, true)
	if !ok || body == "" {
		return 0, core.NewError(core.CardCharset, "", "")
	}
	return byte('0' + (10-sum%10)%10), nil
}

// luhnSum adds the digits from the right, doubling every other one starting with the
// last when double is set; ok is false when a character is not an ASCII digit.
func luhnSum(digits string, double bool) (sum int, ok bool) {
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if !isDigit(c) {
			return 0, false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum, true
}

// CheckCard returns the first problem, as a *core.Error, with a one-card (一卡通) bank
// card number: not 16 to 19 digits, a wrong Luhn digit, a first digit 0 (which also
// refuses all zeros) or, when issuers is not empty, none of the accepted issuer
// prefixes (BIN, such as the Agricultural Bank's 622848).
func CheckCard(number string, issuers []string) error {
	if es := checkCard(number, issuers, ""); len(es) > 0 {
		return es[0]
	}
	return nil
}

// checkCard returns the card number's problems at path: a character or length problem
// alone, since the other checks mean nothing then, or else Luhn and range or issuer
// problems.
func checkCard(number string, issuers []string, path string) core.Errors {
	var es core.Errors
	if !digits(number) {
		es.Add(core.CardCharset, path, maskDetail(number))
		return es
	}
	if len(number) < 16 || len(number) > 19 {
		es.AddText(core.CardLength, path, strconv.Itoa(len(number))+" digits", strconv.Itoa(len(number))+" 位")
		return es
	}
	if !Luhn(number) {
		es.Add(core.CardLuhn, path, MaskCard(number))
	}
	// The first digit is the major industry identifier (ISO/IEC 7812): 0 is ISO/TC 68
	// and industry use, never a bank card, and all zeros passes the Luhn check. It is
	// refused whether or not the policy lists issuers, which would refuse it anyway.
	if number[0] == '0' {
		es.Add(core.CardInvalid, path, MaskCard(number))
		return es
	}
	if len(issuers) > 0 {
		ok := false
		for _, is := range issuers {
			if strings.HasPrefix(number, is) {
				ok = true
				break
			}
		}
		if !ok {
			list := strings.Join(issuers, ", ")
			es.AddText(core.CardIssuer, path, number[:6]+" is not one of "+list, number[:6]+" 不在 "+list+" 之列")
		}
	}
	return es
}

// maskDetail is Mask for a message: a value longer than core.MaxQuote bytes, which no
// ID or card number is, shows as its length alone, so an error never repeats it.
func maskDetail(s string) string {
	if len(s) > core.MaxQuote {
		return strconv.Itoa(len(s)) + " B"
	}
	return Mask(s)
}

// MaskCard hides the middle of a bank card number as banks print it on receipts: the
// first 6 (the issuer) and last 4 digits stay. It follows the same rule as Mask.
func MaskCard(number string) string { return Mask(number) }

// Status is the state of a card record; the values are the wire values.
type Status string

// Card states.
const (
	Active    Status = "active"
	Lost      Status = "lost"      // 挂失: reported lost, refused at once
	Replaced  Status = "replaced"  // 补卡/换卡: superseded by a new card, for good
	Suspended Status = "suspended" // 暂停
	Frozen    Status = "frozen"    // 冻结
	Cancelled Status = "cancelled" // 注销, for good
)

// Event is something done to a card at the counter; the values are the wire values.
type Event string

// Card events (Karamay social security card lifecycle).
const (
	Issue       Event = "issue"        // 制卡/发卡
	ReportLost  Event = "report_lost"  // 挂失
	ReverseLoss Event = "reverse_loss" // 解挂: the card was found
	Replace     Event = "replace"      // 补卡: a new card for a lost one
	Exchange    Event = "exchange"     // 换卡: a new card for a damaged or outdated one
	Suspend     Event = "suspend"      // 暂停
	Restore     Event = "restore"      // 恢复 after a suspension
	Freeze      Event = "freeze"       // 冻结
	Unfreeze    Event = "unfreeze"     // 解冻
	Cancel      Event = "cancel"       // 注销
)

// Transition returns a card's status after ev, starting from the empty status for a
// card not yet issued; any step not in its table is card_invalid_transition.
func Transition(from Status, ev Event) (Status, error) {
	// Replaced and cancelled are final, so a lost card can never work again once a
	// new one exists; 补卡 needs a prior 挂失 so that a card in someone else's hands is
	// blocked first; a suspended or frozen card must be restored or unfrozen before
	// anything but cancel, so that reversing a loss cannot lift a suspension. The new
	// card of a replacement or exchange starts with its own Issue.
	type step struct {
		from Status
		ev   Event
	}
	switch (step{from, ev}) {
	case step{"", Issue}, step{Lost, ReverseLoss}, step{Suspended, Restore}, step{Frozen, Unfreeze}:
		return Active, nil
	case step{Active, ReportLost}:
		return Lost, nil
	case step{Lost, Replace}, step{Active, Exchange}:
		return Replaced, nil
	case step{Active, Suspend}:
		return Suspended, nil
	case step{Active, Freeze}:
		return Frozen, nil
	case step{Active, Cancel}, step{Lost, Cancel}, step{Suspended, Cancel}, step{Frozen, Cancel}:
		return Cancelled, nil
	}
	return from, core.NewErrorText(core.CardTransition, "",
		core.Quote(string(ev))+" from "+core.Quote(string(from)), "由 "+core.Quote(string(from))+" 执行 "+core.Quote(string(ev)))
}

// Card is the record of one issued card (一卡通), linking the bank card to the
// scheme's certificate (医保证号) and to its owner's resident ID.
type Card struct {
	Number string `json:"number"`
	// Owner is the owner's 18-character resident ID.
	Owner       string     `json:"owner"`
	Certificate string     `json:"certificate"`
	Status      Status     `json:"status"`
	Issued      civil.Date `json:"issued"`
}

// VerifyCard returns every reason, sorted by path, not to accept card c from the person
// with resident ID presenterID (bad number, bad owner ID on the record, inactive card,
// bad presenter ID, impersonation 冒名顶替), or nil. Enrollment is checked elsewhere.
func VerifyCard(c Card, presenterID string, today civil.Date, issuers []string) core.Errors {
	var es core.Errors
	if c.Number == "" {
		es.Add(core.FieldRequired, "/card/number", "")
	} else {
		es = append(es, checkCard(c.Number, issuers, "/card/number")...)
	}
	switch c.Status {
	case Active:
	case Lost:
		es.Add(core.CardLost, "/card/status", "")
	case Replaced:
		es.Add(core.CardReplaced, "/card/status", "")
	case Suspended, Frozen:
		es.Add(core.CardSuspended, "/card/status", strconv.Quote(string(c.Status)))
	case Cancelled:
		es.Add(core.CardCancelled, "/card/status", "")
	case "":
		es.Add(core.FieldRequired, "/card/status", "")
	default:
		es.Add(core.FieldInvalid, "/card/status", core.Quote(string(c.Status)))
	}
	owner, ownerOK := personID(&es, c.Owner, today, "/card/owner")
	presenter, presenterOK := personID(&es, presenterID, today, "/presenter")
	// Compare normalised numbers, so that an old 15-digit ID or a lower-case x is
	// still the same person.
	if ownerOK && presenterOK && owner.Number != presenter.Number {
		es.AddText(core.CardOwnerMismatch, "/presenter", Mask(presenter.Number)+" presented the card of "+Mask(owner.Number),
			Mask(presenter.Number)+" 出示了 "+Mask(owner.Number)+" 的卡")
	}
	return sorted(es)
}

// personID parses s into es at path and reports whether it was valid.
func personID(es *core.Errors, s string, today civil.Date, path string) (ID, bool) {
	if s == "" {
		es.Add(core.FieldRequired, path, "")
		return ID{}, false
	}
	id, e := parseID(s, today)
	if e != nil {
		e.Path = path
		*es = append(*es, e)
		return ID{}, false
	}
	return id, true
}

// sorted returns es sorted by path as core.Errors.Err does, or nil when empty.
func sorted(es core.Errors) core.Errors {
	if out, ok := es.Err().(core.Errors); ok {
		return out
	}
	return nil
}
