package conformance

import (
	"context"
	"fmt"
	"strings"
)

// Options carry what some targets need beyond the target string.
type Options struct {
	// Key is the county API key an http target sends with load_policy.
	Key string
}

// A target constructor opens an engine from the rest of a target string (after the
// prefix).
type target struct {
	prefix string // "native" matches exactly; a prefix ending in ':' matches a prefix
	usage  string
	open   func(ctx context.Context, arg string, opts Options) (Engine, error)
}

// targets lists every engine a target string can name. Adding an engine is one line.
func targets() []target {
	return []target{
		{"native", "native", func(context.Context, string, Options) (Engine, error) { return NewNative() }},
		{"wasm:", "wasm:PATH", func(ctx context.Context, path string, _ Options) (Engine, error) { return OpenWasm(ctx, path) }},
		{"node:", "node:PATH", func(ctx context.Context, path string, _ Options) (Engine, error) {
			return OpenNode(ctx, path, NodeOptions{})
		}},
		{"http:", "http://HOST:PORT", func(_ context.Context, rest string, o Options) (Engine, error) { return OpenHTTP("http:"+rest, o.Key) }},
		{"https:", "https://HOST:PORT", func(_ context.Context, rest string, o Options) (Engine, error) { return OpenHTTP("https:"+rest, o.Key) }},
	}
}

// Open returns the engine a target string names, or an error listing the known
// targets; ctx bounds opening it. Engines that hold a process or connections have a
// Close(ctx) method.
func Open(ctx context.Context, spec string, opts Options) (Engine, error) {
	var usage []string
	for _, t := range targets() {
		usage = append(usage, t.usage)
		if strings.HasSuffix(t.prefix, ":") {
			if arg, ok := strings.CutPrefix(spec, t.prefix); ok {
				return t.open(ctx, arg, opts)
			}
		} else if spec == t.prefix {
			return t.open(ctx, "", opts)
		}
	}
	return nil, fmt.Errorf("unknown target %q: want one of %s", spec, strings.Join(usage, ", "))
}
