// Command ncms-conform (`ncms conform`) runs the conformance vectors against one engine and prints one
// line per failing vector, then "N passed, N failed". It exits 1 on any failure and
// 2 on bad usage. Any target but native must also answer every vector with the
// native engine's bytes exactly, the native engine of the same checkout being the
// reference.
//
//	ncms-conform --vectors conformance/vectors --target native
//	ncms-conform --target wasm:ncms.wasm      # the module under wazero
//	ncms-conform --target node:ncms.wasm      # the module through wasm/js/ncms.js under Node
//	ncms-conform --target http://127.0.0.1:8080 --key "$NCMS_KEY"   # a county server
package main

import (
	"context"
	"os"

	"github.com/ruralhealth/ncms/conformance"
)

func main() {
	os.Exit(conformance.Main(context.Background(), "ncms-conform", os.Args[1:], os.Stdout, os.Stderr))
}
