package gen

import (
	"fmt"
	"reflect"
)

// merge joins the definitions of requests (in) and of results (out) into one set. A
// type both carry keeps one definition where both read the same; where they differ
// (a claim's totals may leave out what a result's totalsAfter always has), the
// request's is renamed <Name>Input, and so is every request definition that refers to
// a renamed one. roots are the request nodes, whose references are rewritten too.
func merge(in, out *builder, roots []*node) *builder {
	differs := map[string]bool{}
	for name, n := range in.defs {
		if o, ok := out.defs[name]; ok && emitted(n) != emitted(o) {
			differs[name] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for name, n := range in.defs {
			if _, shared := out.defs[name]; !shared || differs[name] {
				continue
			}
			if refersTo(n, differs) {
				differs[name], changed = true, true
			}
		}
	}
	m := &builder{c: out.c, defs: map[string]*node{}, defTypes: map[string]reflect.Type{}, err: out.err}
	for name, n := range out.defs {
		m.defs[name], m.defTypes[name] = n, out.defTypes[name]
	}
	for name, n := range in.defs {
		to := name
		if differs[name] {
			to = name + "Input"
		}
		if _, ok := out.defs[to]; ok && to != name {
			m.fail(fmt.Errorf("%s is a definition already", to))
		}
		if _, ok := m.defs[to]; !ok || differs[name] {
			m.defs[to], m.defTypes[to] = n, in.defTypes[name]
		}
	}
	seen := map[*node]bool{}
	var rename func(n *node)
	rename = func(n *node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if differs[n.Ref] {
			n.Ref += "Input"
		}
		for _, c := range n.children() {
			rename(c)
		}
	}
	for name, n := range in.defs {
		if differs[name] || out.defs[name] == nil {
			rename(n)
		}
	}
	for _, r := range roots {
		rename(r)
	}
	return m
}

// emitted is a node as JSON, references by name.
func emitted(n *node) string {
	b, _ := marshal(jsonSchema.schemaOf(n))
	return string(b)
}

// refersTo reports whether n refers directly to a definition in names.
func refersTo(n *node, names map[string]bool) bool {
	if n == nil {
		return false
	}
	if names[n.Ref] {
		return true
	}
	for _, c := range n.children() {
		if refersTo(c, names) {
			return true
		}
	}
	return false
}
