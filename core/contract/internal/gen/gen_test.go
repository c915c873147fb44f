package gen

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/trace"
)

// visitNote stands for a wire type that gains fields: whatever its fields, the
// builder reads them from the type, so a field added to a Go type reaches every
// generated file with the next go generate.
type visitNote struct {
	Text   string        `json:"text"`
	Amount *money.Amount `json:"amount,omitempty"`
	Steps  []trace.Step  `json:"steps"`
	Hidden string        `json:"-"`
	inner  int
	Counts map[string]int `json:"counts,omitempty"`
	At     time.Time      `json:"at,omitzero"`
}

func TestFieldsFromType(t *testing.T) {
	for _, in := range []bool{false, true} {
		b := newBuilder(newComments("../../../.."), in)
		ref := b.of(reflect.TypeFor[visitNote]())
		n := b.defs[ref.Ref]
		if ref.Ref != "GenvisitNote" || n == nil {
			t.Fatalf("reference %+v", ref)
		}
		var names []string
		for _, p := range n.Props {
			names = append(names, p.Name)
		}
		if got := strings.Join(names, ","); got != "text,amount,steps,counts,at" {
			t.Errorf("members %s", got)
		}
		wantRequired := "text,steps" // a result writes every member not omitempty
		if in {
			wantRequired = "" // a request may leave out what contract.Rules do not require
		}
		if got := strings.Join(n.Required, ","); got != wantRequired {
			t.Errorf("in=%v: required %q, want %q", in, got, wantRequired)
		}
		if a := n.Props[1].Node; a.Ref != "Amount" || !a.Nullable {
			t.Errorf("amount %+v", a)
		}
		if s := n.Props[2].Node; s.Type != "array" || s.Items.Ref != "TraceStep" || b.defs["Stage"] == nil {
			t.Errorf("steps %+v", s)
		}
		if c := n.Props[3].Node; c.Values == nil || c.Values.Type != "integer" || (&generator{}).tsType(c) != "Record<string, number>" {
			t.Errorf("counts %+v", c)
		}
		if at := n.Props[4].Node; at.Ref != "Time" || b.defs["Time"].Format != "date-time" {
			t.Errorf("at %+v", at)
		}
		if b.err != nil {
			t.Fatal(b.err)
		}
	}
}

// TestDialects writes a nullable reference in each dialect: anyOf with null in JSON
// Schema 2020-12, allOf with nullable in OpenAPI 3.0, `| null` in TypeScript.
func TestDialects(t *testing.T) {
	n := &node{Ref: "Amount", Nullable: true, Desc: "d"}
	js, _ := marshal(jsonSchema.schemaOf(n))
	oa, _ := marshal(openAPI.schemaOf(n))
	if string(js) != `{"anyOf":[{"$ref":"#/$defs/Amount"},{"type":"null"}],"description":"d"}` {
		t.Errorf("JSON Schema: %s", js)
	}
	if string(oa) != `{"allOf":[{"$ref":"#/components/schemas/Amount"}],"nullable":true,"description":"d"}` {
		t.Errorf("OpenAPI: %s", oa)
	}
	if ts := (&generator{}).tsType(n); ts != "Amount | null" {
		t.Errorf("TypeScript: %s", ts)
	}
}
