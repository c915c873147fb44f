package identity_test

import (
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/identity"
)

const (
	abcCard  = "6228480402564890018" // Agricultural Bank of China, BIN 622848
	visaTest = "4111111111111111"
)

var abc = []string{"622848"}

func TestLuhn(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{visaTest, true},
		{abcCard, true},
		{"79927398713", true},
		{"4111111111111112", false},
		{"6228480402564890017", false},
		{"79927398710", false},
		{"6228480402564980018", false}, // adjacent digits swapped
		{"", false},
		{"0", false},
		{"00", true},
		{"4111-1111-1111-1111", false},
		{"411111111111111a", false},
		{"４111111111111111", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := identity.Luhn(tc.in); got != tc.want {
				t.Errorf("Luhn(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestCheckCard(t *testing.T) {
	tests := []struct {
		name    string
		number  string
		issuers []string
		code    core.Code
	}{
		{"ABC card, ABC only", abcCard, abc, ""},
		{"ABC card, any issuer", abcCard, nil, ""},
		{"ABC card, one of several", abcCard, []string{"621700", "622848"}, ""},
		{"16 digits", visaTest, nil, ""},
		{"other issuer", visaTest, abc, core.CardIssuer},
		{"ABC card, other issuers", abcCard, []string{"621700", "955990"}, core.CardIssuer},
		{"Luhn", "6228480402564890017", abc, core.CardLuhn},
		{"Luhn before issuer", "4111111111111112", abc, core.CardLuhn},
		{"15 digits", "411111111111116", nil, core.CardLength},
		{"20 digits", "62284804025648900180", nil, core.CardLength},
		{"empty", "", nil, core.CardLength},
		{"dashes", "4111-1111-1111-1111", nil, core.CardCharset},
		{"space", "6228 4804 0256 4890 018", abc, core.CardCharset},
		{"full-width digit", "６228480402564890018", abc, core.CardCharset},
		{"short with letter", "12a", nil, core.CardCharset},
		{"all zeros, any issuer", "0000000000000000", nil, core.CardInvalid},
		{"all zeros, ABC only", "0000000000000000", abc, core.CardInvalid},
		{"MII 0 with a good Luhn digit", "0622848040256489009", nil, core.CardInvalid},
		{"MII 0, Luhn first", "0622848040256489008", nil, core.CardLuhn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, path := codeOf(t, identity.CheckCard(tc.number, tc.issuers))
			if code != tc.code || path != "" {
				t.Errorf("CheckCard(%q) = %q at %q, want %q", tc.number, code, path, tc.code)
			}
		})
	}
}

func TestMaskCard(t *testing.T) {
	if got := identity.MaskCard(abcCard); got != "622848*********0018" {
		t.Errorf("MaskCard = %q", got)
	}
	if got := identity.MaskCard(visaTest); got != "411111******1111" {
		t.Errorf("MaskCard = %q", got)
	}
}

func TestTransition(t *testing.T) {
	type step struct {
		from identity.Status
		ev   identity.Event
	}
	allowed := map[step]identity.Status{
		{"", identity.Issue}:                   identity.Active,
		{identity.Active, identity.ReportLost}: identity.Lost,
		{identity.Lost, identity.ReverseLoss}:  identity.Active,
		{identity.Lost, identity.Replace}:      identity.Replaced,
		{identity.Active, identity.Exchange}:   identity.Replaced,
		{identity.Active, identity.Suspend}:    identity.Suspended,
		{identity.Suspended, identity.Restore}: identity.Active,
		{identity.Active, identity.Freeze}:     identity.Frozen,
		{identity.Frozen, identity.Unfreeze}:   identity.Active,
		{identity.Active, identity.Cancel}:     identity.Cancelled,
		{identity.Lost, identity.Cancel}:       identity.Cancelled,
		{identity.Suspended, identity.Cancel}:  identity.Cancelled,
		{identity.Frozen, identity.Cancel}:     identity.Cancelled,
	}
	statuses := []identity.Status{"", identity.Active, identity.Lost, identity.Replaced, identity.Suspended,
		identity.Frozen, identity.Cancelled, "bogus", "ACTIVE"}
	events := []identity.Event{identity.Issue, identity.ReportLost, identity.ReverseLoss, identity.Replace,
		identity.Exchange, identity.Suspend, identity.Restore, identity.Freeze, identity.Unfreeze,
		identity.Cancel, "", "bogus"}
	// The whole matrix: every allowed step and every other combination, which must be
	// refused. This includes: nothing leaves replaced or cancelled, a card is not
	// issued twice, a lost card is not exchanged, an active card is not "replaced"
	// without being reported lost, and repeating an event is refused.
	for _, from := range statuses {
		for _, ev := range events {
			t.Run(string(from)+"+"+string(ev), func(t *testing.T) {
				got, err := identity.Transition(from, ev)
				want, ok := allowed[step{from, ev}]
				code, path := codeOf(t, err)
				switch {
				case ok && (err != nil || got != want):
					t.Errorf("Transition(%q, %q) = %q, %v; want %q", from, ev, got, err, want)
				case !ok && (code != core.CardTransition || path != "" || got != from):
					t.Errorf("Transition(%q, %q) = %q, %q; want %q, card_invalid_transition", from, ev, got, code, from)
				}
			})
		}
	}
}

// TestLostCardStopsAtOnce walks a card through loss and replacement: the moment it is
// reported lost VerifyCard refuses it, and after replacement it can never return.
func TestLostCardStopsAtOnce(t *testing.T) {
	owner := "620102199001010011"
	c := identity.Card{Number: abcCard, Owner: owner, Certificate: "620100000001"}
	var err error
	for _, step := range []struct {
		ev   identity.Event
		code core.Code
	}{
		{identity.Issue, ""},
		{identity.ReportLost, core.CardLost},
		{identity.ReverseLoss, ""},
		{identity.ReportLost, core.CardLost},
		{identity.Replace, core.CardReplaced},
	} {
		if c.Status, err = identity.Transition(c.Status, step.ev); err != nil {
			t.Fatalf("%s: %v", step.ev, err)
		}
		var wants []want
		if step.code != "" {
			wants = append(wants, want{step.code, "/card/status"})
		}
		checkErrors(t, identity.VerifyCard(c, owner, today, abc), wants)
	}
	for _, ev := range []identity.Event{identity.ReverseLoss, identity.Issue, identity.Restore, identity.Unfreeze} {
		if _, err := identity.Transition(c.Status, ev); core.ErrorCode(err) != core.CardTransition {
			t.Errorf("replaced card accepted %s: %v", ev, err)
		}
	}
}

func TestVerifyCard(t *testing.T) {
	const (
		owner    = "620102199001010011"
		other    = "11010519491231002X"
		owner15  = "130503670401001"
		owner18  = "130503196704010016"
		badCheck = "620102199001010012"
	)
	card := func(edit func(*identity.Card)) identity.Card {
		c := identity.Card{Number: abcCard, Owner: owner, Certificate: "620100000001", Status: identity.Active}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	tests := []struct {
		name      string
		card      identity.Card
		presenter string
		issuers   []string
		want      []want
	}{
		{"owner presents active card", card(nil), owner, abc, nil},
		{"any issuer", card(func(c *identity.Card) { c.Number = visaTest }), owner, nil, nil},
		{"lost", card(func(c *identity.Card) { c.Status = identity.Lost }), owner, abc,
			[]want{{core.CardLost, "/card/status"}}},
		{"replaced", card(func(c *identity.Card) { c.Status = identity.Replaced }), owner, abc,
			[]want{{core.CardReplaced, "/card/status"}}},
		{"suspended", card(func(c *identity.Card) { c.Status = identity.Suspended }), owner, abc,
			[]want{{core.CardSuspended, "/card/status"}}},
		{"frozen", card(func(c *identity.Card) { c.Status = identity.Frozen }), owner, abc,
			[]want{{core.CardSuspended, "/card/status"}}},
		{"cancelled", card(func(c *identity.Card) { c.Status = identity.Cancelled }), owner, abc,
			[]want{{core.CardCancelled, "/card/status"}}},
		{"no status", card(func(c *identity.Card) { c.Status = "" }), owner, abc,
			[]want{{core.FieldRequired, "/card/status"}}},
		{"unknown status", card(func(c *identity.Card) { c.Status = "Active" }), owner, abc,
			[]want{{core.FieldInvalid, "/card/status"}}},
		{"impersonation", card(nil), other, abc,
			[]want{{core.CardOwnerMismatch, "/presenter"}}},
		{"old ID of the owner", card(func(c *identity.Card) { c.Owner = owner18 }), owner15, abc, nil},
		{"old ID on the card", card(func(c *identity.Card) { c.Owner = owner15 }), owner18, abc, nil},
		{"lower-case x", card(func(c *identity.Card) { c.Owner = other }), "11010519491231002x", abc, nil},
		{"presenter ID bad", card(nil), badCheck, abc,
			[]want{{core.IDChecksum, "/presenter"}}},
		{"presenter ID missing", card(nil), "", abc,
			[]want{{core.FieldRequired, "/presenter"}}},
		{"presenter born in the future", card(nil), "620102202506020013", abc,
			[]want{{core.IDBirthFuture, "/presenter"}}},
		{"owner ID bad on the record", card(func(c *identity.Card) { c.Owner = badCheck }), owner, abc,
			[]want{{core.IDChecksum, "/card/owner"}}},
		{"other bank", card(func(c *identity.Card) { c.Number = visaTest }), owner, abc,
			[]want{{core.CardIssuer, "/card/number"}}},
		{"no card number", card(func(c *identity.Card) { c.Number = "" }), owner, abc,
			[]want{{core.FieldRequired, "/card/number"}}},
		{"everything wrong", card(func(c *identity.Card) {
			c.Number = "4111111111111112"
			c.Status = identity.Lost
		}), other, abc, []want{
			{core.CardLuhn, "/card/number"},
			{core.CardIssuer, "/card/number"},
			{core.CardLost, "/card/status"},
			{core.CardOwnerMismatch, "/presenter"},
		}},
		{"replaced card presented by someone else", card(func(c *identity.Card) { c.Status = identity.Replaced }), other, abc, []want{
			{core.CardReplaced, "/card/status"},
			{core.CardOwnerMismatch, "/presenter"},
		}},
		{"bad characters", card(func(c *identity.Card) { c.Number = "6228 4804" }), "x", abc, []want{
			{core.CardCharset, "/card/number"},
			{core.IDLength, "/presenter"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := identity.VerifyCard(tc.card, tc.presenter, today, tc.issuers)
			checkErrors(t, got, tc.want)
			if len(tc.want) == 0 && got != nil {
				t.Errorf("VerifyCard returned non-nil empty errors")
			}
		})
	}
}

func TestLuhnDigit(t *testing.T) {
	for _, body := range []string{"622848000000001", "622848000000002", "7992739871", "0", "4111111111111111"[:15]} {
		d, err := identity.LuhnDigit(body)
		if err != nil {
			t.Fatalf("LuhnDigit(%q): %v", body, err)
		}
		if !identity.Luhn(body + string(d)) {
			t.Errorf("LuhnDigit(%q) = %c, but %s%c fails Luhn", body, d, body, d)
		}
		for other := byte('0'); other <= '9'; other++ {
			if other != d && identity.Luhn(body+string(other)) {
				t.Errorf("%s%c also passes Luhn", body, other)
			}
		}
	}
	for _, bad := range []string{"", "12a4", "１２"} {
		if _, err := identity.LuhnDigit(bad); core.ErrorCode(err) != core.CardCharset {
			t.Errorf("LuhnDigit(%q): %v, want %s", bad, err, core.CardCharset)
		}
	}
}
