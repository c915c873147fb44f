// Command webdist writes the estimator as a static site, for `make web`:
//
//	go run ./server/web/cmd/webdist -wasm wasm/js/ncms.wasm -o dist/web
//
// Any static web server or hospital kiosk can serve the folder; the page then uses the
// module's example policies unless the host also answers /v1/policies.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ruralhealth/ncms/server/web"
	"github.com/ruralhealth/ncms/wasm/js"
)

func main() {
	wasm := flag.String("wasm", "wasm/js/ncms.wasm", "the module `file` (make wasm builds it)")
	out := flag.String("o", "dist/web", "the `directory` to write")
	flag.Parse()
	if err := run(*wasm, *out); err != nil {
		fmt.Fprintln(os.Stderr, "webdist:", err)
		os.Exit(1)
	}
}

func run(wasmPath, dir string) error {
	b, err := os.ReadFile(wasmPath)
	if err != nil {
		return fmt.Errorf("reading the module: %w", err)
	}
	if err := web.WriteDir(dir, b, js.Loader()); err != nil {
		return err
	}
	fmt.Println("wrote", dir)
	return nil
}
