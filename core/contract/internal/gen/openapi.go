package gen

import (
	"fmt"
	"strings"
)

// renamed maps components openapi.json had before they were generated to the
// generated ones that replace them; references to them are rewritten.
var renamed = map[string]string{
	"Result": "SettleResult",
	"Error":  "EngineError",
}

// handWritten are components written by hand before the generator, now generated
// under the same name.
var handWritten = map[string]bool{"SettleRequest": true, "PolicyInfo": true, "CodeCount": true}

// openAPI rewrites openapi.json's engine components (those marked x-go-type) from the
// Go types, and the engine route's request and response, keeping every other part of
// the document as it was written.
func (g *generator) openAPI(old []byte) ([]byte, error) {
	v, err := parseOrdered(old)
	if err != nil {
		return nil, err
	}
	doc, ok := v.(obj)
	if !ok {
		return nil, fmt.Errorf("not an object")
	}
	comps, _ := doc.get("components").(obj)
	schemas, _ := comps.get("schemas").(obj)
	if schemas == nil {
		return nil, fmt.Errorf("no components.schemas")
	}
	kept := obj{}
	for _, m := range schemas {
		s, _ := m.Value.(obj)
		if s.get("x-go-type") != nil || renamed[m.Key] != "" || handWritten[m.Key] {
			continue
		}
		kept = append(kept, m)
	}
	names := g.b.reachable(g.roots()...)
	for _, name := range names {
		kept = append(kept, member{name, openAPI.schemaOf(g.b.defs[name])})
	}
	comps.set("schemas", kept)
	doc.set("components", comps)

	// The engine route: one request and one success envelope per operation.
	var reqs, resps []any
	seen := map[string]bool{}
	for _, op := range g.ops {
		r := openAPI.schemaOf(g.requests[op.Name])
		if key := fmt.Sprint(r); !seen[key] {
			seen[key] = true
			reqs = append(reqs, r)
		}
		resps = append(resps, openAPI.schemaOf(g.success[op.Name]))
	}
	route, err := at(doc, "paths", "/v1/engine/{op}", "post")
	if err != nil {
		return nil, err
	}
	body, err := at(route, "requestBody", "content", "application/json")
	if err != nil {
		return nil, err
	}
	body.set("schema", obj{{"anyOf", reqs}})
	ok200, err := at(route, "responses", "200", "content", "application/json")
	if err != nil {
		return nil, err
	}
	ok200.set("schema", obj{{"anyOf", resps}})

	out := rename(doc)
	return format(out)
}

// at walks objects by keys.
func at(o obj, keys ...string) (obj, error) {
	for _, k := range keys {
		next, ok := o.get(k).(obj)
		if !ok {
			return nil, fmt.Errorf("no %s", strings.Join(keys, "/"))
		}
		o = next
	}
	return o, nil
}

// rename rewrites references to renamed components.
func rename(v any) any {
	switch x := v.(type) {
	case obj:
		for i, m := range x {
			if s, ok := m.Value.(string); ok && m.Key == "$ref" {
				name := strings.TrimPrefix(s, openAPI.refBase)
				if to := renamed[name]; to != "" {
					x[i].Value = openAPI.refBase + to
				}
				continue
			}
			x[i].Value = rename(m.Value)
		}
	case []any:
		for i := range x {
			x[i] = rename(x[i])
		}
	}
	return v
}
