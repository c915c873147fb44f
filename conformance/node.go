package conformance

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// nodeScript is node/engine.mjs, embedded so that the protocol spoken on both sides
// comes from one build, whatever the working directory.
//
//go:embed node/engine.mjs
var nodeScript string

// Node is the WebAssembly module run by the JS loader (wasm/js/ncms.js) under Node:
// the path a browser or a Node service takes. One long-lived node process serves
// every call, one JSON line each way.
type Node struct {
	cmd     *exec.Cmd
	in      *os.File // the process's standard input: requests
	out     *os.File // its standard output: replies
	replies *bufio.Reader
	stderr  *tailWriter
	exited  chan struct{} // closed once the process has exited and waitErr is set
	waitErr error

	mu     sync.Mutex // one call at a time: the protocol is a sequence, the instance single-threaded
	broken error      // set once the process is gone or out of step; every later call returns it
}

// NodeOptions configure OpenNode; the zero value finds both files.
type NodeOptions struct {
	// Node is the node executable; by default "node" on PATH.
	Node string
	// Loader is the JS loader to test; by default wasm/js/ncms.js in the working
	// directory or the nearest parent that has one (the repository's).
	Loader string
}

// nodeReply is one line from node/engine.mjs.
type nodeReply struct {
	Ready    bool   `json:"ready"`
	Response []byte `json:"response"` // base64 on the wire
	Error    string `json:"error"`
}

// OpenNode starts node with the module at path loaded through the JS loader and
// waits until it is ready; ctx bounds that wait. The caller closes it with Close.
func OpenNode(ctx context.Context, path string, opts NodeOptions) (*Node, error) {
	wasm, err := filepath.Abs(path)
	if err == nil {
		_, err = os.Stat(wasm)
	}
	if err != nil {
		return nil, fmt.Errorf("node target: %w", err)
	}
	bin := opts.Node
	if bin == "" {
		if bin, err = exec.LookPath("node"); err != nil {
			return nil, fmt.Errorf("node target: %w", err)
		}
	}
	loader := opts.Loader
	if loader == "" {
		if loader, err = findLoader(); err != nil {
			return nil, fmt.Errorf("node target: %w", err)
		}
	}
	if loader, err = filepath.Abs(loader); err != nil {
		return nil, fmt.Errorf("node target: %w", err)
	}

	// Not exec.CommandContext: ctx bounds the start, not the process's life.
	cmd := exec.Command(bin, "--input-type=module", "--eval", nodeScript)
	cmd.Env = append(os.Environ(), "NCMS_WASM="+wasm, "NCMS_JS="+loader)
	n := &Node{cmd: cmd, stderr: &tailWriter{max: 4 << 10}, exited: make(chan struct{})}
	cmd.Stderr = n.stderr
	// Should node leave a child holding standard error, Wait would wait for it too;
	// this bounds that wait, so a dead engine reports promptly.
	cmd.WaitDelay = time.Second
	// Our own pipes rather than StdinPipe/StdoutPipe: Wait closes those, and a reply
	// already written by a process that then dies must still be readable.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("node target: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("node target: %w", err)
	}
	cmd.Stdin, cmd.Stdout = inR, outW
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("node target: %w", err)
	}
	n.in, n.out, n.replies = inW, outR, bufio.NewReader(outR)
	go func() {
		n.waitErr = cmd.Wait()
		close(n.exited)
	}()

	n.mu.Lock()
	defer n.mu.Unlock()
	r, err := n.exchange(ctx, nil)
	if err == nil && !r.Ready {
		err = n.fail(fmt.Errorf("first line %+v, want ready", r))
	}
	if err != nil {
		if n.broken == nil { // ctx was done before the wait began
			n.fail(err)
		}
		return nil, fmt.Errorf("node target %s: %w", path, err)
	}
	return n, nil
}

// findLoader returns wasm/js/ncms.js in the working directory or its nearest parent
// with one, so that both `go test ./conformance` and ncms-conform at the repository
// root find the repository's loader.
func findLoader() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "wasm", "js", "ncms.js")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no wasm/js/ncms.js in the working directory or above it; run from the repository or set NodeOptions.Loader")
		}
		dir = parent
	}
}

// Name implements Engine.
func (n *Node) Name() string { return "node" }

// Call implements Engine. A done ctx ends the call by killing the process, since a
// call inside the module cannot be interrupted; the engine is then unusable.
func (n *Node) Call(ctx context.Context, op string, req []byte) ([]byte, error) {
	line, err := json.Marshal(struct {
		Op      string `json:"op"`
		Request []byte `json:"request"`
	}{op, req})
	if err != nil {
		return nil, fmt.Errorf("node engine: %w", err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r, err := n.exchange(ctx, append(line, '\n'))
	if err != nil {
		return nil, fmt.Errorf("node engine: %w", err)
	}
	if r.Error != "" {
		return nil, fmt.Errorf("node engine: %s: %s", op, r.Error)
	}
	if r.Response == nil {
		return nil, fmt.Errorf("node engine: %s: a reply with neither response nor error", op)
	}
	return r.Response, nil
}

// Load implements Engine.
func (n *Node) Load(ctx context.Context, doc []byte) error { return loadPolicy(ctx, n, doc) }

// Close kills the process. Calls after Close return an error.
func (n *Node) Close(context.Context) error {
	n.kill() // first, so that a call in progress returns and frees mu
	<-n.exited
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.broken == nil {
		n.broken = errors.New("closed")
		n.closeFiles()
	}
	return nil
}

// exchange writes line (nothing if nil) and reads one reply, with n.mu held. Any
// failure leaves the process dead and the engine broken, so a call never waits on a
// process that is out of step.
func (n *Node) exchange(ctx context.Context, line []byte) (nodeReply, error) {
	var r nodeReply
	if n.broken != nil {
		return r, n.broken
	}
	if err := ctx.Err(); err != nil {
		return r, err // nothing sent: the engine stays usable
	}
	stop := context.AfterFunc(ctx, n.kill)
	err := n.roundTrip(line, &r)
	if !stop() {
		// ctx ended the call (or ended just after it): the process is being killed.
		return r, n.fail(context.Cause(ctx))
	}
	if err != nil {
		return r, n.fail(err)
	}
	return r, nil
}

func (n *Node) roundTrip(line []byte, r *nodeReply) error {
	if line != nil {
		if _, err := n.in.Write(line); err != nil {
			return fmt.Errorf("writing the request: %w", err)
		}
	}
	b, err := n.replies.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("reading the reply: %w", err)
	}
	if err := json.Unmarshal(b, r); err != nil {
		return fmt.Errorf("reply is not protocol JSON: %w: %.200q", err, b)
	}
	return nil
}

// fail kills the process, waits for it, marks the engine broken and returns why,
// with the process's exit status and the end of its standard error.
func (n *Node) fail(err error) error {
	n.kill()
	<-n.exited
	n.closeFiles()
	n.broken = fmt.Errorf("%w (node: %v; stderr: %q)", err, n.waitErr, n.stderr.String())
	return n.broken
}

func (n *Node) kill() { _ = n.cmd.Process.Kill() } // an error means it has exited already

func (n *Node) closeFiles() {
	n.in.Close()
	n.out.Close()
}

// tailWriter keeps the last max bytes written to it: the end of node's standard
// error, where a crash explains itself.
type tailWriter struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if over := len(w.b) - w.max; over > 0 {
		w.b = append(w.b[:0], w.b[over:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}
