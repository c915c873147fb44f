package api_test

import (
	"bytes"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/api"
)

// readmeBlocks returns the README's fenced blocks of a language, in order.
func readmeBlocks(t *testing.T, readme, lang string) []string {
	t.Helper()
	var blocks []string
	var cur *strings.Builder
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case cur == nil && line == "```"+lang:
			cur = &strings.Builder{}
		case cur != nil && line == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

// TestREADMEExamples keeps the README and the server in step: every route its table
// names is a route, every ```http example answers the status it shows, the settle
// request is one the engine settles, and the error example is the engine's own.
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	f := newFixture(t, api.Options{})
	f.seed()

	t.Run("routes table", func(t *testing.T) {
		routes := map[string]bool{}
		err := f.srv.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
			tpl, _ := route.GetPathTemplate()
			ms, _ := route.GetMethods()
			for _, m := range ms {
				routes[m+" "+tpl] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		start := strings.Index(readme, "| route | key | what it does |")
		if start < 0 {
			t.Fatal("the README has no routes table")
		}
		table := readme[start:]
		table = table[:strings.Index(table, "\n\n")]
		token := regexp.MustCompile("`((GET|POST|PUT|DELETE) )?([/…][^`]*)`")
		named := 0
		for _, row := range strings.Split(table, "\n")[2:] {
			cell := strings.SplitN(row, "|", 3)[1]
			method, prev := http.MethodGet, ""
			for _, m := range token.FindAllStringSubmatch(cell, -1) {
				if m[2] != "" {
					method = m[2]
				}
				path := m[3]
				if rest, ok := strings.CutPrefix(path, "…/"); ok {
					path = prev[:strings.LastIndex(prev, "/")+1] + rest
				}
				prev = path
				named++
				if !routes[method+" "+path] {
					t.Errorf("the README names %s %s, which is not a route", method, path)
				}
			}
		}
		if named < 25 {
			t.Errorf("only %d routes read from the table", named)
		}
	})

	t.Run("http examples", func(t *testing.T) {
		blocks := readmeBlocks(t, readme, "http")
		if len(blocks) == 0 {
			t.Fatal("no ```http examples")
		}
		line := regexp.MustCompile(`^(GET|POST|PUT|DELETE) (\S+)\s+→ (\d{3})$`)
		played := 0
		for _, block := range blocks {
			for _, l := range strings.Split(strings.TrimSpace(block), "\n") {
				m := line.FindStringSubmatch(strings.TrimSpace(l))
				if m == nil {
					t.Errorf("example %q is not METHOD /path → status", l)
					continue
				}
				want, _ := strconv.Atoi(m[3])
				r := f.do(m[1], m[2], f.county, "")
				if r.status != want {
					t.Errorf("%s %s: %d, the README says %d\n%s", m[1], m[2], r.status, want, r.body)
				}
				played++
			}
		}
		if played < 10 {
			t.Errorf("only %d examples played", played)
		}
	})

	// The first ```json block is the settle request; the first after "### Errors" the
	// error envelope for a third line of 1.005.
	jsons := readmeBlocks(t, readme, "json")
	errorBlocks := readmeBlocks(t, readme[strings.Index(readme, "### Errors"):], "json")
	if len(jsons) < 1 || len(errorBlocks) < 1 {
		t.Fatalf("%d json blocks, %d after ### Errors", len(jsons), len(errorBlocks))
	}
	jsons = []string{jsons[0], errorBlocks[0]}
	t.Run("settle request", func(t *testing.T) {
		r := f.do("POST", "/v1/engine/settle", "", jsons[0])
		if r.status != 200 || !r.env.OK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("error example", func(t *testing.T) {
		var doc struct {
			Errors core.Errors `json:"errors"`
		}
		if err := jsonv2.Unmarshal([]byte(jsons[1]), &doc); err != nil || len(doc.Errors) != 1 {
			t.Fatalf("%v %s", err, jsons[1])
		}
		item := `{"code": "X1", "kind": "treatment", "class": "A", "amount": "8432"}`
		req := strings.Replace(jsons[0], item, item+", "+item+`, {"code": "X3", "kind": "treatment", "class": "A", "amount": "1.005"}`, 1)
		r := f.do("POST", "/v1/engine/settle", "", req)
		if len(r.env.Errors) != 1 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		got, _ := jsonv2.Marshal(r.env.Errors[0])
		want, _ := jsonv2.Marshal(doc.Errors[0])
		if !bytes.Equal(got, want) {
			t.Errorf("the engine says %s, the README %s", got, want)
		}
	})
}
