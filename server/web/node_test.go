package web_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// TestNodeUnits runs the page's JavaScript unit tests (jstest/, `node --test`), so that
// `go test ./server/web` also proves how the page reads typed amounts. Without node the
// test is skipped loudly, and under CI (env CI set) it fails: the page's own logic is
// never silently untested.
func TestNodeUnits(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "node is not on PATH: the estimator's JavaScript units (server/web/jstest) were NOT tested"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
		t.Skip(msg)
	}
	cmd := exec.Command(node, "--test", "--test-reporter=tap", "jstest/")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	// A folder with no tests passes under node: insist that some ran and none failed.
	if m := regexp.MustCompile(`(?m)^# pass (\d+)$`).FindSubmatch(out); m == nil || string(m[1]) == "0" {
		t.Fatalf("node ran no passing tests:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^# fail 0$`).Match(out) {
		t.Fatalf("node reports failures:\n%s", out)
	}
	t.Logf("%s", out)
}
