package identity_test

import (
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
)

var today = civil.MustParse("2025-06-01")

func TestParseIDValid(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		today    civil.Date
		number   string
		birth    string
		sequence string
		male     bool
		upgraded bool
	}{
		{"well-known example with X", "11010519491231002X", today, "11010519491231002X", "1949-12-31", "002", false, false},
		{"lower-case x", "11010519491231002x", today, "11010519491231002X", "1949-12-31", "002", false, false},
		{"Gansu male", "620102199001010011", today, "620102199001010011", "1990-01-01", "001", true, false},
		{"15-digit upgraded", "130503670401001", today, "130503196704010016", "1967-04-01", "001", true, true},
		{"leap day 2000", "620102200002290049", today, "620102200002290049", "2000-02-29", "004", false, false},
		{"born today", "620102202506010054", today, "620102202506010054", "2025-06-01", "005", true, false},
		{"zero today skips future check", "620102202506010054", civil.Date{}, "620102202506010054", "2025-06-01", "005", true, false},
		{"Shenzhen", "440304201003010082", today, "440304201003010082", "2010-03-01", "008", false, false},
		{"Hong Kong 81", "810000199001010019", today, "810000199001010019", "1990-01-01", "001", true, false},
		{"Macao 82", "820000199001010029", today, "820000199001010029", "1990-01-01", "002", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := identity.ParseID(tc.in, tc.today)
			if err != nil {
				t.Fatalf("ParseID(%q): %v", tc.in, err)
			}
			if id.Number != tc.number || id.Birth.String() != tc.birth || id.Sequence != tc.sequence ||
				id.Male != tc.male || id.Upgraded != tc.upgraded || id.Region != tc.number[:6] {
				t.Errorf("ParseID(%q) = %+v", tc.in, id)
			}
		})
	}
}

func TestParseIDErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		today civil.Date
		code  core.Code
	}{
		{"empty", "", today, core.IDLength},
		{"16 digits", "1101051949123100", today, core.IDLength},
		{"17 digits", "62010219900101001", today, core.IDLength},
		{"19 digits", "6201021990010100111", today, core.IDLength},
		{"trailing space", "11010519491231002X ", today, core.IDLength},
		{"letter other than X", "11010519491231002Y", today, core.IDCharset},
		{"X not last", "1101051949123100X2", today, core.IDCharset},
		{"full-width digit", "１10105194912310021", today, core.IDCharset},
		{"full-width X", "11010519491231002Ｘ", today, core.IDCharset},
		{"15 digits with X", "13050367040100X", today, core.IDCharset},
		{"inner space", "110105 94912310021", today, core.IDCharset},
		{"region 00", "000000199001010011", today, core.IDRegion},
		{"region 99", "990102199001010011", today, core.IDRegion},
		{"region 16", "160102199001010011", today, core.IDRegion},
		{"region 83 not listed", "830000199001010011", today, core.IDRegion},
		{"region 83 with its check digit", "830000199001010012", today, core.IDRegion},
		{"Taiwan 71: never on an ID", "710102199001010013", today, core.IDRegion},
		{"15-digit 71", "710102900101001", today, core.IDRegion},
		{"15-digit region", "990503670401001", today, core.IDRegion},
		{"region before checksum", "990102199001010012", today, core.IDRegion},
		{"1900 not a leap year", "620102190002290049", today, core.IDBirthDate},
		{"month 13", "620102199013010011", today, core.IDBirthDate},
		{"day 00", "620102199001000011", today, core.IDBirthDate},
		{"30 February", "620102199002300011", today, core.IDBirthDate},
		{"year 1899", "620102189912310011", today, core.IDBirthDate},
		{"15-digit 1967-02-29", "130503670229001", today, core.IDBirthDate},
		{"born tomorrow", "620102202506010054", civil.MustParse("2025-05-31"), core.IDBirthFuture},
		{"born next century", "620102210001010011", today, core.IDBirthFuture},
		{"future before checksum", "620102210001010019", today, core.IDBirthFuture},
		{"wrong check digit", "620102199001010012", today, core.IDChecksum},
		{"wrong check X", "110105194912310021", today, core.IDChecksum},
		{"X where digit due", "62010219900101001X", today, core.IDChecksum},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := identity.ParseID(tc.in, tc.today)
			code, path := codeOf(t, err)
			if code != tc.code || path != "" {
				t.Errorf("ParseID(%q) error = %q at %q, want %q at \"\"", tc.in, code, path, tc.code)
			}
			if id != (identity.ID{}) {
				t.Errorf("ParseID(%q) returned %+v with an error", tc.in, id)
			}
		})
	}
}

func TestCheckChar(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want byte
		code core.Code
	}{
		{"X", "11010519491231002", 'X', ""},
		{"digit", "13050319670401001", '6', ""},
		{"one", "62010219900101001", '1', ""},
		{"zero", "62010219650101003", '0', ""},
		{"16 digits", "1305031967040100", 0, core.IDLength},
		{"18 digits", "130503196704010016", 0, core.IDLength},
		{"letter", "1305031967040100A", 0, core.IDCharset},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := identity.CheckChar(tc.in)
			if code, _ := codeOf(t, err); code != tc.code || got != tc.want {
				t.Errorf("CheckChar(%q) = %q, %q; want %q, %q", tc.in, got, code, tc.want, tc.code)
			}
		})
	}
}

// TestCheckCharEveryResidue builds one ID for each of the eleven check characters and
// parses it back, so every entry of "10X98765432" is exercised.
func TestCheckCharEveryResidue(t *testing.T) {
	seen := map[byte]bool{}
	birth := civil.New(1980, time.March, 15)
	for seq := 100; seq < 1000 && len(seen) < 11; seq++ {
		first17 := "620102" + "19800315" + itoa3(seq)
		c, err := identity.CheckChar(first17)
		if err != nil {
			t.Fatal(err)
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		id, err := identity.ParseID(first17+string(c), today)
		if err != nil || id.Birth != birth {
			t.Errorf("ParseID(%s%c) = %+v, %v", first17, c, id, err)
		}
		for _, bad := range "0123456789X" {
			if byte(bad) == c {
				continue
			}
			if _, err := identity.ParseID(first17+string(bad), today); core.ErrorCode(err) != core.IDChecksum {
				t.Errorf("ParseID(%s%c) error %v, want id_checksum", first17, bad, err)
			}
		}
	}
	if len(seen) != 11 {
		t.Errorf("only %d check characters seen", len(seen))
	}
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func TestMask(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"18", "11010519491231002X", "110105********002X"},
		{"15", "130503670401001", "130503*****1001"},
		{"exactly 10", "1234567890", "1234567890"},
		{"11", "12345678901", "123456*8901"},
		{"9 all masked", "123456789", "*********"},
		{"empty", "", ""},
		{"runes", "甘肃省兰州市城关区东岗西路", "甘肃省兰州市***东岗西路"},
		{"card", "6228480402564890018", "622848*********0018"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := identity.Mask(tc.in); got != tc.want {
				t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
