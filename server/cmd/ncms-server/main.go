// Command ncms-server is the county server under its older name: `ncms-server` is
// `ncms serve`, and `ncms-server import|check-text` are `ncms import|check-text`
// (server/cli).
//
//	ncms-server [--addr :8080] [--db ./data/ncms.db | --db postgres://…] [--engine native|wasm]
//	ncms-server import [--db ./data/ncms.db] [--encoding auto|utf-8|gbk|gb18030] roster.csv
//	ncms-server check-text [--db ./data/ncms.db]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ruralhealth/ncms/server/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c := &cli.Command{Name: "ncms-server", Stdout: os.Stdout, Stderr: os.Stderr}
	if err := c.Run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "ncms-server:", err)
		}
		stop()
		os.Exit(1)
	}
}
