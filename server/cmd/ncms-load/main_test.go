package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/ledger"
)

func TestPersonsAreValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, n := range []int{0, 1, 999, 1000, 11999, 12000, 123456, 335999} {
		id, birth := person(n)
		parsed, err := identity.ParseID(id, civil.MustParse("2025-01-01"))
		if err != nil {
			t.Fatalf("person(%d) = %s: %v", n, id, err)
		}
		if parsed.Birth.String() != birth {
			t.Fatalf("person(%d): birth %s, ID says %s", n, birth, parsed.Birth)
		}
		if seen[id] {
			t.Fatalf("person(%d) = %s twice", n, id)
		}
		seen[id] = true
	}
}

// TestLoadAgainstServer plays a fixed number of each request kind against a real
// server that requires the facility register, and checks every settlement was
// recorded once: settle mode registers H001 with the county key first, and an
// institution key, which cannot, is refused before any settlement is sent.
func TestLoadAgainstServer(t *testing.T) {
	ctx := context.Background()
	srv := apitest.Start(t, filepath.Join(t.TempDir(), "ncms.db"), ledger.Options{RequireFacility: true}, api.Options{})
	key := srv.Key(t, ledger.RoleCounty, "")
	st, ts := srv.Store, srv
	h1 := srv.Key(t, ledger.RoleInstitution, "H001")
	if err := run(ctx, []string{"-url", ts.URL, "-key", h1, "-mode", "settle", "-n", "1"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "registering H001") {
		t.Fatalf("an institution key registering H001: %v, want the register's refusal", err)
	}
	for _, mode := range []string{"estimate", "settle"} {
		var out bytes.Buffer
		err := run(ctx, []string{"-url", ts.URL, "-key", key, "-mode", mode, "-c", "8", "-n", "120", "-persons", "30"}, &out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out.String())
		}
		if !strings.HasPrefix(out.String(), mode+": 120 requests") || !strings.Contains(out.String(), "p99") {
			t.Fatalf("%s report:\n%s", mode, out.String())
		}
	}
	n := 0
	err := st.View(ctx, func(tx ledger.Tx) error {
		for _, err := range tx.Entries(ctx, ledger.Filter{}) {
			if err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil || n != 120 {
		t.Fatalf("%d settlements recorded (%v), want 120", n, err)
	}
	if err := run(ctx, []string{"-url", ts.URL, "-mode", "settle", "-n", "1"}, &bytes.Buffer{}); err == nil {
		t.Fatal("settling without a key succeeded")
	}
}

// TestFloodAgainstServer floods a server with every hostile shape and checks the
// report: each shape answered by the server's envelope (or refused as busy), /healthz
// asked, and the memory of the process (this one) read.
func TestFloodAgainstServer(t *testing.T) {
	srv := apitest.Start(t, filepath.Join(t.TempDir(), "ncms.db"), ledger.Options{}, api.Options{})
	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", srv.URL, "-mode", "flood", "-shape", "all", "-size", "65536",
		"-c", "3", "-n", "12", "-pid", strconv.Itoa(os.Getpid())}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{"flood: 12 requests", "healthz: ", "server RSS: peak sampled "} {
		if !strings.Contains(report, want) {
			t.Fatalf("the report lacks %q:\n%s", want, report)
		}
	}
	for name := range shapes {
		if !regexp.MustCompile(`(?m)^  ` + name + ` (200|400|404|422|429) `).MatchString(report) {
			t.Errorf("no answer to %s:\n%s", name, report)
		}
	}
	if strings.Contains(report, "error") {
		t.Errorf("requests failed:\n%s", report)
	}
	err = run(context.Background(), []string{"-url", srv.URL, "-mode", "flood", "-shape", "nothing"}, &out)
	if err == nil || !strings.Contains(err.Error(), "-shape") {
		t.Fatalf("an unknown shape: %v", err)
	}
}
