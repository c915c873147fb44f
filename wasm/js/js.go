// Package js embeds ncms.js, the dependency-free ES module that loads ncms.wasm in
// browsers and Node, so that Go programs can serve it next to the module.
package js

import _ "embed"

//go:embed ncms.js
var loader string

// Loader returns the text of ncms.js. Each call returns a fresh copy.
func Loader() []byte { return []byte(loader) }
