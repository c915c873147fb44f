package identity

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/policy"
)

// RosterRow is one household in the batch card-opening roster (批量开卡花名册) sent to
// the bank. Row is the row number (序号) the clerk sees.
type RosterRow struct {
	Row         int    `json:"row"`
	Head        string `json:"head"`        // 户主姓名
	ID          string `json:"id"`          // 身份证号 of the head, 18 characters
	Address     string `json:"address"`     // 居住地址
	Certificate string `json:"certificate"` // 医保证号
	Phone       string `json:"phone"`       // 联系电话
}

// MaxRosterRows bounds one batch roster: a county's whole enrollment fits in a few
// files of this size, and the bank takes batches far smaller.
const MaxRosterRows = 100000

// Roster is the rows of a batch card-opening roster. Decoding keeps at most
// MaxRosterRows+1 of them, so a hostile request cannot fill memory.
//
// wire:max=MaxRosterRows
type Roster []RosterRow

// illegalPunct are characters the bank's batch file cannot carry. The file is plain
// delimited text with no escaping: a comma or '|' inside a field is read as a field
// separator and shifts every later column of the row, a quote or backslash starts a
// quoted or escaped field in the bank's importer and swallows the separators after
// it, and '<', '>' and ';' are refused by the bank's input filter, so the whole
// batch bounces. Full-width punctuation such as '，' is ordinary text and allowed.
const illegalPunct = `'"<>\;,|`

// ValidateRoster checks a batch card-opening roster before the bank bounces it. The
// tally lists its first keep problems (core.MaxListed when keep is not positive) in
// file order, which is path order (/rows/<index>/<field>, the fields of a row by
// name), and counts every problem, in all and by code, so the clerk sees what is
// wrong throughout the file. Problems past the first keep are counted and dropped,
// so a roster of 100,000 bad rows holds a hundred of its 600,000 problems, not all
// of them. A nil policy skips the certificate format.
func ValidateRoster(p *policy.Compiled, rows []RosterRow, today civil.Date, keep int) core.Tally {
	t := core.NewTally(keep)
	if len(rows) == 0 {
		t.Add(core.NewError(core.RosterEmpty, "/rows", ""))
		return t
	}
	if len(rows) > MaxRosterRows {
		t.Add(core.NewErrorText(core.FieldInvalid, "/rows", "more than "+strconv.Itoa(MaxRosterRows)+" rows; split the roster",
			"超过 "+strconv.Itoa(MaxRosterRows)+" 行，请拆分花名册"))
		return t
	}
	// es holds one row's problems: sorted by path and tallied at the row's end, they
	// come out in the order a sort of the whole roster's problems would give.
	var es core.Errors
	ids := make(map[string]int, len(rows))
	certs := make(map[string]int, len(rows))
	duplicate := func(seen map[string]int, key string, i int, path string) {
		if j, ok := seen[key]; ok {
			es.AddText(core.RosterDuplicate, path, "same as row "+strconv.Itoa(rows[j].Row)+" (/rows/"+strconv.Itoa(j)+")",
				"与第 "+strconv.Itoa(rows[j].Row)+" 行（/rows/"+strconv.Itoa(j)+"）相同")
			return
		}
		seen[key] = i
	}
	for i, r := range rows {
		path := "/rows/" + strconv.Itoa(i)
		// Each row number is compared with the previous row's only, so one stray
		// number is reported once rather than on every row after it.
		switch {
		case r.Row <= 0:
			es.AddText(core.FieldInvalid, path+"/row", "row number must be positive", "序号须为正数")
		case i > 0 && r.Row <= rows[i-1].Row:
			es.AddText(core.FieldInvalid, path+"/row", strconv.Itoa(r.Row)+" does not follow "+strconv.Itoa(rows[i-1].Row),
				"序号 "+strconv.Itoa(r.Row)+" 未大于上一行的 "+strconv.Itoa(rows[i-1].Row))
		}
		text(&es, r.Head, path+"/head")
		text(&es, r.Address, path+"/address")
		if text(&es, r.ID, path+"/id") {
			id, e := parseID(r.ID, today)
			switch {
			case e != nil:
				e.Path = path + "/id"
				es = append(es, e)
			case id.Upgraded:
				// The bank matches the 18-character ID only, though ParseID accepts
				// an old 15-digit one.
				es.AddText(core.IDLength, path+"/id", "the bank roster takes the 18-character ID only", "银行花名册只收 18 位身份证号")
			default:
				duplicate(ids, id.Number, i, path+"/id")
			}
		}
		if text(&es, r.Certificate, path+"/certificate") {
			if p != nil && !p.Certificate(r.Certificate) {
				es.Add(core.CertificateFormat, path+"/certificate", "")
			} else {
				duplicate(certs, r.Certificate, i, path+"/certificate")
			}
		}
		if text(&es, r.Phone, path+"/phone") && !phone(r.Phone) {
			es.Add(core.RosterPhone, path+"/phone", "")
		}
		t.Add(sorted(es)...)
		es = es[:0]
	}
	return t
}

// text reports a missing field or its first illegal character at path, and whether
// the field is fit for further checks.
func text(es *core.Errors, s, path string) bool {
	if s == "" {
		es.Add(core.FieldRequired, path, "")
		return false
	}
	n := 0
	for _, r := range s {
		n++
		// Format characters (zero-width spaces, byte-order marks) are invisible on
		// the printed roster yet make the bank's match against the ID copy fail;
		// U+FFFD also stands for bytes that are not UTF-8.
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
			r == utf8.RuneError || strings.ContainsRune(illegalPunct, r) {
			es.AddText(core.RosterIllegalChar, path, strconv.QuoteRuneToASCII(r)+" at character "+strconv.Itoa(n),
				"第 "+strconv.Itoa(n)+" 个字符 "+strconv.QuoteRuneToASCII(r))
			return false
		}
	}
	return true
}

// phone accepts an 11-digit mobile number starting with 1, or a landline of 7 or 8
// digits, optionally after a 3- or 4-digit area code starting with 0 and a '-'
// (0931-8123456). A local number never starts with 0 or 1, which are the trunk and
// service prefixes, so "0123456" is refused.
func phone(s string) bool {
	if len(s) == 11 && s[0] == '1' && digits(s) {
		return true
	}
	local := s
	if area, rest, ok := strings.Cut(s, "-"); ok {
		if len(area) < 3 || len(area) > 4 || area[0] != '0' || !digits(area) {
			return false
		}
		local = rest
	}
	return (len(local) == 7 || len(local) == 8) && local[0] >= '2' && digits(local)
}
