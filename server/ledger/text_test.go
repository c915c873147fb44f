package ledger_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// TestTextBoundaries sends bad text through every boundary that stores text: each
// store answers the same typed error at the field, and stores nothing.
func TestTextBoundaries(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		must(t, l.PutHousehold(ctx, ledger.Household{ID: "H1", Township: "640221100"}))
		good := ledger.Person{ID: person, Name: "王大", Household: "H1", Category: "farmer",
			Enrollment: []enroll.Year{{Year: 2025, PaidOn: civil.MustParse("2024-12-01")}}}
		must(t, l.PutPerson(ctx, good))
		st, err := l.Settle(ctx, "k", request("V1", "1000.00"))
		must(t, err)
		const header = "household,township,village,address,relation,id,name,category,birthDate,year,tier,paidOn\n"
		const row = "H2,640221100,V01,一队,head,640221198001010023,李二,farmer,,2025,,2024-12-01\n"
		person2 := "640221198001010023"
		tests := []struct {
			name string
			do   func() error
			code core.Code
			path string
		}{
			{"household village NUL", func() error {
				return l.PutHousehold(ctx, ledger.Household{ID: "H2", Township: "640221100", Village: "一\x00队"})
			}, core.FieldTextInvalid, "/village"},
			{"household address too long", func() error {
				return l.PutHousehold(ctx, ledger.Household{ID: "H2", Township: "640221100", Address: strings.Repeat("路", ledger.MaxAddressLen+1)})
			}, core.FieldTooLong, "/address"},
			{"person name NUL", func() error {
				p := good
				p.ID, p.Name = person2, "李\x00二"
				return l.PutPerson(ctx, p)
			}, core.FieldTextInvalid, "/name"},
			{"person name GBK bytes", func() error {
				p := good
				p.ID, p.Name = person2, "\xc0\xee\xb6\xfe"
				return l.PutPerson(ctx, p)
			}, core.FieldTextInvalid, "/name"},
			{"person tier control", func() error {
				p := good
				p.ID = person2
				p.Enrollment = []enroll.Year{{Year: 2025, Tier: "A\x1b", PaidOn: civil.MustParse("2024-12-01")}}
				return l.PutPerson(ctx, p)
			}, core.FieldTextInvalid, "/enrollment/0/tier"},
			{"settle visit id NUL", func() error {
				req := strings.Replace(string(request("VNUL", "1000.00")), `"VNUL"`, `"V\u0000"`, 1)
				_, err := l.Settle(ctx, "k", []byte(req))
				return err
			}, core.FieldTextInvalid, "/claim/id"},
			{"settle visit id too long", func() error {
				_, err := l.Settle(ctx, "k", request(strings.Repeat("V", claim.MaxText+1), "1000.00"))
				return err
			}, core.FieldTooLong, "/claim/id"},
			{"reversal reason NUL", func() error {
				_, err := l.Reverse(ctx, "k", "H001", st.Seq, "录入\x00错误")
				return err
			}, core.FieldTextInvalid, "/reason"},
			{"card certificate control", func() error {
				_, err := l.CardEvent(ctx, "k", ledger.CardEvent{Number: apitest.Card("622848000000001"), Owner: person,
					Certificate: "C\x01", Event: identity.Issue, Date: civil.MustParse("2025-03-01")})
				return err
			}, core.FieldTextInvalid, "/certificate"},
			{"key name NUL", func() error {
				_, _, err := l.CreateKey(ctx, ledger.RoleInstitution, "H009", "乡\x00卫生院")
				return err
			}, core.FieldTextInvalid, "/name"},
			{"roster name NUL", func() error {
				rep, err := l.Import(ctx, strings.NewReader(header+strings.Replace(row, "李二", "李\x00二", 1)), ledger.ImportOptions{})
				if err != nil || rep.Imported || len(rep.Problems) == 0 {
					return err
				}
				return rep.Problems
			}, core.FieldTextInvalid, "/rows/0/name"},
		}
		for _, tc := range tests {
			err := tc.do()
			es := core.AsErrors(err)
			if len(es) == 0 || es[0].Code != tc.code || es[0].Path != tc.path {
				t.Errorf("%s: got %v, want %s at %s", tc.name, err, tc.code, tc.path)
			}
		}
		// Nothing of it was stored.
		if _, err := l.Person(ctx, person2); code(err) != apierr.NotFound {
			t.Errorf("person 2 was stored: %v", err)
		}
		if _, err := l.Entry(ctx, "", st.Seq+1); code(err) != apierr.NotFound {
			t.Errorf("an entry was stored: %v", err)
		}
		for b, err := range ledger.CheckStoredText(ctx, l.Store()) {
			must(t, err)
			t.Errorf("stored: %+v", b)
		}
	})
}

// gbk encodes UTF-8 text as GBK, as Excel saves a CSV in a Chinese locale.
func gbk(t *testing.T, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// chineseRoster is a roster with the Chinese headers of the county's registry export.
const chineseRoster = "户号,乡镇,村,居住地址,与户主关系,身份证号,姓名,人员类别,出生日期,参合年度,缴费档次,缴费日期\n" +
	"H1,城关镇,东关村,一队,户主,640221198001010015,王大,farmer,1980-01-01,2025,,2024-12-01\n" +
	"H1,城关镇,东关村,一队,,640221198001010023,李二,farmer,,2025,,2024-12-01\n"

func TestImportEncodings(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		// A first row of 70 KB of ASCII puts the first Chinese past the first
		// 64 KiB the detection could have looked at.
		long := strings.Replace(csvHeader, "paidOn\n", "paidOn,note\n", 1) +
			"H1,Chengguan,Dongguan,1,head,640221198001010015,Wang Da,farmer,1980-01-01,2025,,2024-12-01," + strings.Repeat("x", 70<<10) + "\n" +
			"H2,城关镇,东关村,一队,,640221198001010023,李二,farmer,,2025,,2024-12-01,\n"
		tests := []struct {
			name   string
			file   string
			enc    ledger.Encoding
			want   ledger.Encoding
			name2  string // the second person's name as stored
			code   core.Code
			path   string
			imprt  bool
			column string
		}{
			{name: "GBK, detected", file: gbk(t, chineseRoster), want: ledger.EncodingGB18030, name2: "李二", imprt: true},
			{name: "GBK, named", file: gbk(t, chineseRoster), enc: ledger.EncodingGBK, want: ledger.EncodingGBK, name2: "李二", imprt: true},
			{name: "GB18030, named", file: gbk(t, chineseRoster), enc: "gb18030", want: ledger.EncodingGB18030, name2: "李二", imprt: true},
			{name: "UTF-8", file: chineseRoster, want: ledger.EncodingUTF8, name2: "李二", imprt: true},
			{name: "UTF-8 with BOM", file: "\ufeff" + chineseRoster, want: ledger.EncodingUTF8, name2: "李二", imprt: true},
			{name: "UTF-8 with BOM, named", file: "\ufeff" + chineseRoster, enc: ledger.EncodingUTF8, want: ledger.EncodingUTF8, name2: "李二", imprt: true},
			{name: "GBK after 70 KB of ASCII", file: gbk(t, long), want: ledger.EncodingGB18030, name2: "李二", imprt: true},
			{name: "UTF-8 after 70 KB of ASCII", file: long, want: ledger.EncodingUTF8, name2: "李二", imprt: true},
			{name: "GBK named UTF-8", file: gbk(t, chineseRoster), enc: ledger.EncodingUTF8, want: ledger.EncodingUTF8,
				code: core.FieldTextInvalid, path: "/header/0"},
			{name: "GBK cells named UTF-8", file: gbk(t, csvHeader+"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,,2025,,2024-12-01\n"),
				enc: ledger.EncodingUTF8, want: ledger.EncodingUTF8, code: core.FieldTextInvalid, path: "/rows/0/address"},
			{name: "not GBK", file: gbk(t, csvHeader) + "H1,640221100,V01,\x81\x20,head,640221198001010015,\xcd\xf5\xb4\xf3,farmer,,2025,,2024-12-01\n",
				enc: ledger.EncodingGBK, want: ledger.EncodingGBK, code: core.FieldTextInvalid, path: "/rows/0/address"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rep, err := l.Import(ctx, strings.NewReader(tc.file), ledger.ImportOptions{Encoding: tc.enc})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Encoding != tc.want || rep.Imported != tc.imprt {
					t.Fatalf("read as %s, imported %v, want %s, %v: %v", rep.Encoding, rep.Imported, tc.want, tc.imprt, rep.Problems)
				}
				if !tc.imprt {
					if len(rep.Problems) == 0 || rep.Problems[0].Code != tc.code || rep.Problems[0].Path != tc.path {
						t.Fatalf("problems %v, want %s at %s", rep.Problems, tc.code, tc.path)
					}
					return
				}
				p, err := l.Person(ctx, "640221198001010023")
				if err != nil || p.Name != tc.name2 {
					t.Fatalf("person %+v %v, want the name %s", p, err, tc.name2)
				}
				var h *ledger.Household
				must(t, l.Store().View(ctx, func(tx ledger.Tx) error {
					h, err = tx.Household(ctx, "H1")
					return err
				}))
				if h.Head != person || !strings.ContainsAny(h.Township+h.Village, "城C") {
					t.Fatalf("household %+v", h)
				}
			})
		}
		for bad, err := range ledger.CheckStoredText(ctx, l.Store()) {
			must(t, err)
			t.Errorf("stored: %+v", bad)
		}
	})
}

const csvHeader = "household,township,village,address,relation,id,name,category,birthDate,year,tier,paidOn\n"

// TestImportCardRoster imports a roster with the batch card-opening roster's columns
// (RULES.md §3) and the registry's: each row is a household head.
func TestImportCardRoster(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		roster := "序号,户号,乡镇,户主姓名,身份证号,居住地址,医保证号,联系电话,人员类别,参合年度,缴费日期\n" +
			"1,H1,城关镇,王大,640221198001010015,东关村一队,C001,13912345678,farmer,2025,2024-12-01\n" +
			"2,H2,城关镇,李二,640221198001010023,东关村二队,C002,0931-8123456,farmer,2025,2024-12-01\n"
		rep, err := l.Import(ctx, strings.NewReader(gbk(t, roster)), ledger.ImportOptions{})
		if err != nil || !rep.Imported || rep.Households != 2 || rep.Persons != 2 {
			t.Fatalf("%+v %v", rep, err)
		}
		p, err := l.Person(ctx, "640221198001010023")
		if err != nil || p.Name != "李二" || p.Household != "H2" {
			t.Fatalf("%+v %v", p, err)
		}
		var h *ledger.Household
		must(t, l.Store().View(ctx, func(tx ledger.Tx) error {
			h, err = tx.Household(ctx, "H2")
			return err
		}))
		if h.Head != "640221198001010023" || h.Address != "东关村二队" {
			t.Fatalf("household %+v", h)
		}
		// Without its household and enrollment columns a card-opening roster is not
		// a registry roster: the missing columns are named.
		rep, err = l.Import(ctx, strings.NewReader("序号,户主姓名,身份证号,居住地址,医保证号,联系电话\n1,王大,640221198001010015,一队,C1,13912345678\n"), ledger.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, e := range rep.Problems {
			paths = append(paths, e.Path)
			if !coretest.Chinese(e.MessageZh) {
				t.Errorf("messageZh %q", e.MessageZh)
			}
		}
		want := []string{"/header/category", "/header/household", "/header/paidOn", "/header/township", "/header/year"}
		if rep.Imported || !slices.Equal(paths, want) {
			t.Fatalf("problems at %v, want %v", paths, want)
		}
		// A column named twice is refused.
		rep, _ = l.Import(ctx, strings.NewReader("id,身份证号\n"), ledger.ImportOptions{})
		if rep.Imported || rep.Problems[0].Path != "/header/id" || rep.Problems[0].Code != core.FieldInvalid {
			t.Fatalf("%v", rep.Problems)
		}
	})
}

// TestImportBoundedReport imports a roster of many bad rows: the report lists the
// first problems only and counts all of them by code.
func TestImportBoundedReport(t *testing.T) {
	l := newLedger(t, open(t, filepath.Join(t.TempDir(), "ncms.db")))
	var b strings.Builder
	b.WriteString(csvHeader)
	for range 300 {
		// A bad ID and a bad date on every row.
		b.WriteString("H1,640221100,V01,,head,640221198001010016,王大,farmer,,2025,,2024-13-01\n")
	}
	b.WriteString("H1,640221100,V01,,head,640221198001010015,王\x00大,farmer,,2025,,2024-12-01\n")
	rep, err := l.Import(context.Background(), strings.NewReader(b.String()), ledger.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []ledger.CodeCount{{Code: core.DateInvalid, Count: 300}, {Code: core.FieldTextInvalid, Count: 1}}
	if rep.Imported || rep.Rows != 301 || len(rep.Problems) != ledger.DefaultMaxProblems || rep.ProblemCount != 301 ||
		!slices.Equal(rep.ProblemCodes, want) {
		t.Fatalf("rows %d, %d problems listed, %d counted, by code %v; want 301, %d, 301, %v",
			rep.Rows, len(rep.Problems), rep.ProblemCount, rep.ProblemCodes, ledger.DefaultMaxProblems, want)
	}
	if rep.Problems[0].Path != "/rows/0/paidOn" || rep.Problems[99].Path != "/rows/99/paidOn" {
		t.Fatalf("problems from %s to %s, want the first rows in order", rep.Problems[0].Path, rep.Problems[99].Path)
	}
}

// TestCheckStoredText writes bad text past the ledger, straight through SQL, and
// finds it with CheckStoredText on each store.
func TestCheckStoredText(t *testing.T) {
	dsns := map[string]func(t *testing.T) (driver, dsn string){
		"sqlite": func(t *testing.T) (string, string) { return "sqlite", filepath.Join(t.TempDir(), "ncms.db") },
	}
	if os.Getenv("NCMS_TEST_POSTGRES") != "" {
		dsns["postgres"] = func(t *testing.T) (string, string) { return "pgx", storetest.PostgresDSN(t) }
	}
	for name, dsnOf := range dsns {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			driver, dsn := dsnOf(t)
			l := newLedger(t, open(t, dsn))
			must(t, l.PutHousehold(ctx, ledger.Household{ID: "H1", Township: "640221100"}))
			must(t, l.PutPerson(ctx, ledger.Person{ID: person, Name: "王大", Household: "H1", Category: "farmer",
				Enrollment: []enroll.Year{{Year: 2025, PaidOn: civil.MustParse("2024-12-01")}}}))
			db, err := sql.Open(driver, dsn)
			must(t, err)
			defer db.Close()
			// PostgreSQL refuses NUL and bytes that are not UTF-8 itself; other
			// control characters and lengths it takes.
			stmts := []string{
				`UPDATE households SET village = 'V` + "\x01" + `' WHERE id = 'H1'`,
				`INSERT INTO households (id, head, township, village, address) VALUES ('H2', '', '640221100', '', '` + strings.Repeat("路", ledger.MaxAddressLen+1) + `')`,
				`INSERT INTO persons (id, name, household, category, birth, enrollment) VALUES ('640221198001010023', '李二', 'H2', 'farmer', '1980-01-01', '[{"year":2025,"tier":"A\u0007","paidOn":"2024-12-01"}]')`,
			}
			want := []string{"households.address H2 field_too_long", "households.village H1 field_text_invalid",
				"persons.enrollment " + identity.Mask("640221198001010023") + " field_text_invalid"}
			if name == "sqlite" {
				stmts = append(stmts, "UPDATE persons SET name = CAST(X'CDF5B4F3' AS TEXT) WHERE id = '"+person+"'",
					"INSERT INTO api_keys (id, hash, role, institution, name, created, revoked) VALUES ('k_1', 'h', 'county', '', CAST(X'610062' AS TEXT), '', 0)")
				want = append(want, "persons.name "+identity.Mask(person)+" field_text_invalid", "api_keys.name k_1 field_text_invalid")
			}
			for _, s := range stmts {
				if _, err := db.ExecContext(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			var got []string
			for b, err := range ledger.CheckStoredText(ctx, l.Store()) {
				must(t, err)
				got = append(got, b.Table+"."+b.Column+" "+b.Key+" "+string(b.Problem.Code))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
