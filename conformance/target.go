package conformance

import (
	"context"
	"fmt"
	"strings"
)

// A target constructor opens an engine from the rest of a target string (after the
// prefix): "native", later "wasm:PATH" and "http://HOST:PORT".
type target struct {
	prefix string // "native" matches exactly; a prefix ending in ':' matches a prefix
	usage  string
	open   func(arg string) (Engine, error)
}

// targets lists every engine a target string can name. Adding an engine is one line.
func targets() []target {
	return []target{
		{"native", "native", func(string) (Engine, error) { return NewNative() }},
		{"wasm:", "wasm:PATH", func(path string) (Engine, error) { return OpenWasm(context.Background(), path) }},
	}
}

// Open returns the engine a target string names, or an error listing the known
// targets.
func Open(spec string) (Engine, error) {
	var usage []string
	for _, t := range targets() {
		usage = append(usage, t.usage)
		if strings.HasSuffix(t.prefix, ":") {
			if arg, ok := strings.CutPrefix(spec, t.prefix); ok {
				return t.open(arg)
			}
		} else if spec == t.prefix {
			return t.open("")
		}
	}
	return nil, fmt.Errorf("unknown target %q: want one of %s", spec, strings.Join(usage, ", "))
}
