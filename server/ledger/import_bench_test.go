package ledger_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/server/ledger"
)

// BenchmarkImportBadRoster imports a 50 MB roster with a bad ID on every row, as a
// county might upload the wrong file: the report (what the API answers) stays
// bounded whatever the roster's size. Run with -benchtime 1x and /usr/bin/time -v
// for the peak memory (README.md has the figures).
func BenchmarkImportBadRoster(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("household,township,village,address,relation,id,name,category,birthDate,year,tier,paidOn\n")
	const row = "H1,640221100,东关村,一队二组,head,640221198001010016,王大,farmer,1980-01-01,2025,A,2024-12-01\n"
	for sb.Len() < 50<<20 {
		sb.WriteString(row)
	}
	roster := sb.String()
	l := newLedger(b, open(b, filepath.Join(b.TempDir(), "ncms.db")))
	b.SetBytes(int64(len(roster)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := l.Import(context.Background(), strings.NewReader(roster), ledger.ImportOptions{})
		if err != nil || rep.Imported {
			b.Fatalf("%v %v", rep.Imported, err)
		}
		out, err := codec.Encode(rep)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(out)), "report-bytes")
	}
}
