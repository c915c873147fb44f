package api_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core/contract"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/apierr"
)

// TestSchemas serves the wire contract's schemas without a key: the list names each
// embedded schema and its path, each path answers the committed bytes, and an
// unknown name is a 404 in the error envelope.
func TestSchemas(t *testing.T) {
	f := newFixture(t, api.Options{})
	r := f.do(http.MethodGet, "/v1/schemas", "", "")
	if r.status != http.StatusOK || !r.env.OK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var list []api.SchemaRef
	if err := jsonv2.Unmarshal(r.env.Result, &list); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
		got := f.do(http.MethodGet, s.Path, "", "")
		want, _ := contract.Schema(s.Name)
		if got.status != http.StatusOK || !bytes.Equal(got.body, want) {
			t.Errorf("GET %s: %d, %d bytes; want the %d bytes of %s.json", s.Path, got.status, len(got.body), len(want), s.Name)
		}
	}
	if !slices.Equal(names, contract.Names()) || !slices.Contains(names, "settle.request") || !slices.Contains(names, "error") {
		t.Errorf("listed %v, want %v", names, contract.Names())
	}
	for _, name := range []string{"settle", "nope.json", "..%2Fcontract"} {
		r := f.do(http.MethodGet, "/v1/schemas/"+name, "", "")
		if code, _ := r.first(); r.status != http.StatusNotFound || code != apierr.NotFound {
			t.Errorf("GET /v1/schemas/%s: %d %s", name, r.status, r.body)
		}
	}
}
