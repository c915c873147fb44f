package identity_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/policy"
)

// goodRow is a row the bank accepts; tests change one field at a time.
func goodRow(row int, id, cert string) identity.RosterRow {
	return identity.RosterRow{
		Row:         row,
		Head:        "张三",
		ID:          id,
		Address:     "甘肃省兰州市城关区东岗西路1号",
		Certificate: cert,
		Phone:       "13912345678",
	}
}

// badRows is a file with several bad rows, every kind of problem among them.
func badRows() []identity.RosterRow {
	return []identity.RosterRow{
		goodRow(1, "620102199001010011", "620100000001"),
		{Row: 2, Head: "李 四", ID: "620102199001010012", Address: "", Certificate: "620100000002", Phone: "0931-8123456"},
		{Row: 2, Head: "王五", ID: "620102199001010011", Address: "城关区，东岗\u3000西路", Certificate: "620100000001", Phone: "12345"},
		{Row: 4, Head: "赵六\t", ID: "130503670401001", Address: "东岗西路,1号", Certificate: "ABC", Phone: "8123456"},
		{Row: 5, Head: "钱七", ID: "620102202506020013", Address: "东岗", Certificate: "620100000005", Phone: "+8613912345678"},
		{Row: 0, Head: "孙八", ID: "620102196512310020", Address: "东岗", Certificate: "620100000006", Phone: "021-62345678"},
		goodRow(7, "11010519491231002x", "620100000007"),
		goodRow(8, "11010519491231002X", "620100000008"),
	}
}

// TestValidateRosterReportsEverything is a file with several bad rows: every problem
// in every row is reported, in path order.
func TestValidateRosterReportsEverything(t *testing.T) {
	checkErrors(t, identity.ValidateRoster(testPolicy(t, nil), badRows(), today, 0).Problems, []want{
		{core.FieldRequired, "/rows/1/address"},
		{core.RosterIllegalChar, "/rows/1/head"},
		{core.IDChecksum, "/rows/1/id"},
		{core.RosterIllegalChar, "/rows/2/address"},
		{core.RosterDuplicate, "/rows/2/certificate"},
		{core.RosterDuplicate, "/rows/2/id"},
		{core.RosterPhone, "/rows/2/phone"},
		{core.FieldInvalid, "/rows/2/row"},
		{core.RosterIllegalChar, "/rows/3/address"},
		{core.CertificateFormat, "/rows/3/certificate"},
		{core.RosterIllegalChar, "/rows/3/head"},
		{core.IDLength, "/rows/3/id"},
		{core.IDBirthFuture, "/rows/4/id"},
		{core.RosterPhone, "/rows/4/phone"},
		{core.FieldInvalid, "/rows/5/row"},
		{core.RosterDuplicate, "/rows/7/id"},
	})
}

// TestValidateRosterTally: a roster of many bad rows lists its first problems in
// path order, the order a sort of all of them gives, and counts every one; a smaller
// limit lists a prefix of the same problems with the same counts.
func TestValidateRosterTally(t *testing.T) {
	p := testPolicy(t, nil)
	var rows []identity.RosterRow
	for range 40 {
		rows = append(rows, badRows()...)
	}
	rows = append(rows, make([]identity.RosterRow, 30)...) // empty rows: six problems each
	all := identity.ValidateRoster(p, rows, today, 1<<30)
	if sorted := core.AsErrors(all.Problems.Err()); !slices.Equal(sorted, all.Problems) {
		t.Errorf("problems are not in path order")
	}
	if all.ProblemCount != len(all.Problems) || all.ProblemCount < 40*16+30*6 {
		t.Fatalf("%d problems counted, %d listed", all.ProblemCount, len(all.Problems))
	}
	byCode := map[core.Code]int{}
	for _, e := range all.Problems {
		byCode[e.Code]++
	}
	if len(byCode) != len(all.ProblemCodes) {
		t.Errorf("codes %v, want %v", all.ProblemCodes, byCode)
	}
	for i, c := range all.ProblemCodes {
		if byCode[c.Code] != c.Count || (i > 0 && all.ProblemCodes[i-1].Code >= c.Code) {
			t.Errorf("codes %v, want %v sorted by code", all.ProblemCodes, byCode)
		}
	}
	for _, keep := range []int{1, 7, 16, core.MaxListed, 0} {
		got := identity.ValidateRoster(p, rows, today, keep)
		n := keep
		if keep == 0 {
			n = core.MaxListed
		}
		if !slices.EqualFunc(got.Problems, all.Problems[:n], func(a, b *core.Error) bool { return *a == *b }) {
			t.Errorf("keep %d: the problems listed are not the first %d", keep, n)
		}
		if got.ProblemCount != all.ProblemCount || !slices.Equal(got.ProblemCodes, all.ProblemCodes) {
			t.Errorf("keep %d: counted %d %v, want %d %v", keep, got.ProblemCount, got.ProblemCodes, all.ProblemCount, all.ProblemCodes)
		}
	}
}

func TestValidateRoster(t *testing.T) {
	p := testPolicy(t, nil)
	anyCert := testPolicy(t, func(p *policy.Policy) { p.Cards.Certificate = "" })
	const id = "620102199001010011"
	one := func(edit func(*identity.RosterRow)) []identity.RosterRow {
		r := goodRow(1, id, "620100000001")
		edit(&r)
		return []identity.RosterRow{r}
	}
	tests := []struct {
		name string
		p    *policy.Compiled
		rows []identity.RosterRow
		want []want
	}{
		{"good", p, one(func(*identity.RosterRow) {}), nil},
		{"empty roster", p, nil, []want{{core.RosterEmpty, "/rows"}}},
		{"blank row", p, []identity.RosterRow{{Row: 1}}, []want{
			{core.FieldRequired, "/rows/0/address"},
			{core.FieldRequired, "/rows/0/certificate"},
			{core.FieldRequired, "/rows/0/head"},
			{core.FieldRequired, "/rows/0/id"},
			{core.FieldRequired, "/rows/0/phone"},
		}},
		{"negative row", p, one(func(r *identity.RosterRow) { r.Row = -1 }), []want{{core.FieldInvalid, "/rows/0/row"}}},
		{"rows descend", p, []identity.RosterRow{
			goodRow(2, id, "620100000001"),
			goodRow(1, "11010519491231002X", "620100000002"),
		}, []want{{core.FieldInvalid, "/rows/1/row"}}},
		{"gaps in row numbers are fine", p, []identity.RosterRow{
			goodRow(1, id, "620100000001"),
			goodRow(5, "11010519491231002X", "620100000002"),
		}, nil},
		{"ASCII space in head", p, one(func(r *identity.RosterRow) { r.Head = "张 三" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"leading space in ID", p, one(func(r *identity.RosterRow) { r.ID = " " + id }), []want{{core.RosterIllegalChar, "/rows/0/id"}}},
		{"full-width space", p, one(func(r *identity.RosterRow) { r.Head = "张\u3000三" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"no-break space", p, one(func(r *identity.RosterRow) { r.Address = "东岗\u00a0西路" }), []want{{core.RosterIllegalChar, "/rows/0/address"}}},
		{"tab", p, one(func(r *identity.RosterRow) { r.Address = "东岗\t西路" }), []want{{core.RosterIllegalChar, "/rows/0/address"}}},
		{"newline", p, one(func(r *identity.RosterRow) { r.Address = "东岗\n西路" }), []want{{core.RosterIllegalChar, "/rows/0/address"}}},
		{"NUL", p, one(func(r *identity.RosterRow) { r.Head = "张\x00" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"zero-width space", p, one(func(r *identity.RosterRow) { r.Head = "张\u200b三" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"byte-order mark", p, one(func(r *identity.RosterRow) { r.Head = "\ufeff张三" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"invalid UTF-8", p, one(func(r *identity.RosterRow) { r.Head = "\xe5\xbc" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"comma", p, one(func(r *identity.RosterRow) { r.Address = "东岗,西路" }), []want{{core.RosterIllegalChar, "/rows/0/address"}}},
		{"full-width comma is text", p, one(func(r *identity.RosterRow) { r.Address = "东岗，西路" }), nil},
		{"hyphen is text", p, one(func(r *identity.RosterRow) { r.Address = "东岗西路3-2-101" }), nil},
		{"single quote", p, one(func(r *identity.RosterRow) { r.Head = "O'Neil" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"double quote", p, one(func(r *identity.RosterRow) { r.Head = `"张三"` }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"angle brackets", p, one(func(r *identity.RosterRow) { r.Head = "<b>" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"closing angle", p, one(func(r *identity.RosterRow) { r.Head = "张>" }), []want{{core.RosterIllegalChar, "/rows/0/head"}}},
		{"backslash", p, one(func(r *identity.RosterRow) { r.Address = `东岗\西路` }), []want{{core.RosterIllegalChar, "/rows/0/address"}}},
		{"semicolon", p, one(func(r *identity.RosterRow) { r.Address = "东岗;西路" }), []want{{core.RosterIllegalChar, "/rows/0/address"}}},
		{"pipe", p, one(func(r *identity.RosterRow) { r.Certificate = "6201|0000001" }), []want{{core.RosterIllegalChar, "/rows/0/certificate"}}},
		{"phone with space", p, one(func(r *identity.RosterRow) { r.Phone = "139 1234 5678" }), []want{{core.RosterIllegalChar, "/rows/0/phone"}}},
		{"lower-case x is a good ID", p, one(func(r *identity.RosterRow) { r.ID = "11010519491231002x" }), nil},
		{"bad region", p, one(func(r *identity.RosterRow) { r.ID = "990102199001010011" }), []want{{core.IDRegion, "/rows/0/id"}}},
		{"bad birth date", p, one(func(r *identity.RosterRow) { r.ID = "620102190002290049" }), []want{{core.IDBirthDate, "/rows/0/id"}}},
		{"leap day 2000", p, one(func(r *identity.RosterRow) { r.ID = "620102200002290049" }), nil},
		{"bad charset", p, one(func(r *identity.RosterRow) { r.ID = "62010219900101001Y" }), []want{{core.IDCharset, "/rows/0/id"}}},
		{"15-digit ID", p, one(func(r *identity.RosterRow) { r.ID = "130503670401001" }), []want{{core.IDLength, "/rows/0/id"}}},
		{"certificate pattern", p, one(func(r *identity.RosterRow) { r.Certificate = "62010000001" }), []want{{core.CertificateFormat, "/rows/0/certificate"}}},
		{"any certificate without a pattern", anyCert, one(func(r *identity.RosterRow) { r.Certificate = "HZ-0001" }), nil},
		{"nil policy accepts any certificate", nil, one(func(r *identity.RosterRow) { r.Certificate = "HZ-0001" }), nil},
		{"duplicate certificate", p, []identity.RosterRow{
			goodRow(1, id, "620100000001"),
			goodRow(2, "11010519491231002X", "620100000001"),
			goodRow(3, "130503196704010016", "620100000001"),
		}, []want{{core.RosterDuplicate, "/rows/1/certificate"}, {core.RosterDuplicate, "/rows/2/certificate"}}},
		{"rows past 9 sort numerically", p, elevenSameID(), func() []want {
			var ws []want
			for i := 1; i <= 10; i++ {
				ws = append(ws, want{core.RosterDuplicate, "/rows/" + strconv.Itoa(i) + "/id"})
			}
			return append(ws, want{core.RosterPhone, "/rows/10/phone"})
		}()},
		{"phones", p, phoneRows(
			"13912345678", "19912345678", "0931-8123456", "010-62345678", "8123456", "62345678", // good
			"23912345678", "1391234567", "139123456789", "0931-812345", "0931-812345678", "931-8123456",
			"09311-8123456", "0931-0123456", "0123456", "09318123456", "0931--8123456", "0931-", "-8123456",
			"+8613912345678", "１3912345678",
		), func() []want {
			var ws []want
			for i := 6; i <= 20; i++ {
				ws = append(ws, want{core.RosterPhone, "/rows/" + strconv.Itoa(i) + "/phone"})
			}
			return ws
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := identity.ValidateRoster(tc.p, tc.rows, today, 0)
			checkErrors(t, got.Problems, tc.want)
			if got.ProblemCount != len(tc.want) || got.Problems == nil || got.ProblemCodes == nil {
				t.Errorf("counted %d problems, want %d; lists nil = %v, %v", got.ProblemCount, len(tc.want), got.Problems == nil, got.ProblemCodes == nil)
			}
		})
	}
}

// elevenSameID lists one household eleven times under distinct certificates, with a
// bad phone on the last row.
func elevenSameID() []identity.RosterRow {
	var rows []identity.RosterRow
	for i := 1; i <= 11; i++ {
		rows = append(rows, goodRow(i, "620102199001010011", "6201000000"+fmt.Sprintf("%02d", i)))
	}
	rows[10].Phone = "1"
	return rows
}

// phoneRows makes one good row per phone number, each with its own ID and certificate.
func phoneRows(phones ...string) []identity.RosterRow {
	var rows []identity.RosterRow
	for i, ph := range phones {
		first17 := fmt.Sprintf("62010219800101%03d", i+1)
		c, _ := identity.CheckChar(first17)
		r := goodRow(i+1, first17+string(c), fmt.Sprintf("6201%08d", i+1))
		r.Phone = ph
		rows = append(rows, r)
	}
	return rows
}
