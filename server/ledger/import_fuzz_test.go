package ledger_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/server/ledger"
)

// FuzzImport imports arbitrary bytes in each encoding: the import never fails
// with anything but problems, its report's counts agree, and whatever it imports
// passes the text check when read back.
func FuzzImport(f *testing.F) {
	f.Add([]byte(csvHeader+"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,,2025,,2024-12-01\n"), uint8(0))
	f.Add([]byte(chineseRoster), uint8(0))
	f.Add([]byte("户号,乡镇,身份证号,户主姓名,人员类别,参合年度,缴费日期\nH1,\xb3\xc7,640221198001010015,\xcd\xf5\xb4\xf3,farmer,2025,2024-12-01\n"), uint8(2))
	f.Add([]byte("\xef\xbb\xbfhousehold,township\n\"a\nb\",\x00\n"), uint8(1))
	encodings := []ledger.Encoding{ledger.EncodingAuto, ledger.EncodingUTF8, ledger.EncodingGBK, ledger.EncodingGB18030}
	l := newLedger(f, open(f, filepath.Join(f.TempDir(), "ncms.db")))
	f.Fuzz(func(t *testing.T, roster []byte, enc uint8) {
		ctx := context.Background()
		rep, err := l.Import(ctx, strings.NewReader(string(roster)), ledger.ImportOptions{
			Encoding: encodings[int(enc)%len(encodings)], MaxProblems: 5})
		if err != nil {
			if strings.HasPrefix(string(roster), "\xff\xfe") || strings.HasPrefix(string(roster), "\xfe\xff") {
				return // UTF-16, refused as a whole
			}
			t.Fatalf("import failed: %v", err)
		}
		n := 0
		for _, c := range rep.ProblemCodes {
			n += c.Count
		}
		if n != rep.ProblemCount || len(rep.Problems) > 5 || (rep.ProblemCount > 0) == rep.Imported ||
			len(rep.Problems) != min(5, rep.ProblemCount) {
			t.Fatalf("report %+v", rep)
		}
		if !rep.Imported {
			return
		}
		for bad, err := range ledger.CheckStoredText(ctx, l.Store()) {
			if err != nil {
				t.Fatal(err)
			}
			t.Fatalf("imported bad text: %+v", bad)
		}
	})
}
