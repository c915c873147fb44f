package host

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
)

// nodeCase is one entry of the manifest the JS test reads (wasm/js/test/ncms.test.mjs):
// the request is a file, or fill.size copies of fill.byte for the large ones.
type nodeCase struct {
	Name    string `json:"name"`
	Op      string `json:"op"`
	Request string `json:"request,omitempty"`
	Fill    *fill  `json:"fill,omitempty"`
	Want    string `json:"want"`
}

type fill struct {
	Byte byte `json:"byte"`
	Size int  `json:"size"`
}

// TestNode runs the JS loader's tests under Node with the module under test and the
// native engine's responses to every case of TestSameBytes, so that `go test` also
// proves ncms.js gives the native bytes.
func TestNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "!!! node is not on PATH: the JS loader (wasm/js) was NOT tested against the native engine !!!"
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	dir := t.TempDir()
	e := native(t)
	var manifest struct {
		Cases []nodeCase `json:"cases"`
	}
	for i, tc := range cases(t, true) {
		c := nodeCase{Name: tc.name, Op: tc.op, Want: fmt.Sprintf("%03d.want", i)}
		if len(tc.req) > 1<<20 && bytes.Count(tc.req, tc.req[:1]) == len(tc.req) {
			c.Fill = &fill{Byte: tc.req[0], Size: len(tc.req)}
		} else {
			c.Request = fmt.Sprintf("%03d.req", i)
			write(t, filepath.Join(dir, c.Request), tc.req)
		}
		write(t, filepath.Join(dir, c.Want), e.Handle(tc.op, tc.req))
		manifest.Cases = append(manifest.Cases, c)
	}
	b, err := codec.Encode(manifest)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "cases.json"), b)

	cmd := exec.Command(node, "--test", "--test-reporter=tap", "test/")
	cmd.Dir = filepath.Join("..", "js")
	cmd.Env = append(os.Environ(), "NCMS_WASM="+wasmPath, "NCMS_CASES="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	t.Logf("%s", out)
	for _, want := range []string{"# fail 0", "# skipped 0", "# cancelled 0",
		fmt.Sprintf("played %d cases", len(manifest.Cases))} {
		if !strings.Contains(string(out), want) {
			t.Errorf("node output lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`# pass (\d+)`).FindSubmatch(out); m == nil || string(m[1]) == "0" {
		t.Error("node passed no tests")
	}
}

// TestNodeExample runs wasm/examples/node and checks its output.
func TestNodeExample(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "!!! node is not on PATH: wasm/examples/node was NOT run !!!"
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	out, err := exec.Command(node, filepath.Join("..", "examples", "node", "index.mjs"), wasmPath).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "total 8432.00, fund 4000.00, cash 4432.00 (pingluo-original)\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
