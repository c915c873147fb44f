// Package host runs the NCMS WebAssembly module (wasm/module) in Go over wazero: the
// module is compiled once and calls are served by a bounded pool of instances, each
// with its own engine. It is for Go programs that want the module itself rather than
// the linked core: conformance runs against the artefact browsers load, or a sandbox
// with a memory limit and cancellable calls.
//
// The module is compiled without wazero's cancellation checks, which cost a call 2.5
// to 5 times its time (wazero v1.12 leaves compiled code for Go at every loop
// iteration, and Go's wasm has a loop in every function: wazero issue #2466). The
// host cancels instead: a call whose context ends returns at once, and the instance
// finishes the abandoned call in the background and is then discarded.
//
// The module is not embedded; pass the bytes of ncms.wasm to New. See wasm/ABI.md for
// the exports this package calls.
package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/ruralhealth/ncms/core/engine"
)

// DefaultMaxMemoryPages is the default limit on an instance's linear memory: 4096
// pages of 64 KiB, 256 MiB. The largest calls peak at 70 MiB (TestMaximalCalls): a
// roster of 100,000 rows, now that its answer lists 100 problems and counts the rest
// (it listed all 600,000, 126 MB, and peaked at 350 MiB under a 512 MiB limit), and
// an 8 MiB policy at 62 MiB. Linear memory is only reserved as a call grows it: an
// instance that serves ordinary calls stays near 15 MiB.
const DefaultMaxMemoryPages = 4096

// retainPages is the most linear memory an instance may hold and still be kept for
// another call: 1024 pages, 64 MiB. Linear memory never shrinks, so an instance that
// one large call grew past it (a 100,000-row roster takes 70 MiB) is closed after
// that call, and the pool's memory comes back to what ordinary calls need.
const retainPages = 1024

// ErrClosed is returned by Call after Close.
var ErrClosed = errors.New("ncms host: closed")

// Options configure a Host. The zero value is usable.
type Options struct {
	// MaxMemoryPages limits each instance's linear memory, in 64 KiB pages; 0 means
	// DefaultMaxMemoryPages. An instance that needs more traps and is discarded.
	MaxMemoryPages uint32
	// PoolSize is the most instances kept, and so the most calls run at once; 0 means
	// runtime.GOMAXPROCS(0). Calls beyond it wait for a free instance.
	PoolSize int
	// CompilationCache, if not empty, is a directory where wazero keeps compiled
	// machine code, so a process that restarts does not compile the module again.
	CompilationCache string
	// Stderr receives what the module writes to standard error (the Go runtime's
	// report of a fatal error, for one); nil discards it.
	Stderr io.Writer
}

// Host calls the module. It is safe for concurrent use.
type Host struct {
	rt       wazero.Runtime
	cache    wazero.CompilationCache
	compiled wazero.CompiledModule
	config   wazero.ModuleConfig

	slots chan struct{}  // one token per call in progress
	idle  chan *instance // instances ready for a call

	// loads is every policy document that load_policy accepted, in order, once
	// each (loading the same bytes again changes nothing). Each instance has its own
	// engine, so an instance replays the loads it has not seen before it serves a
	// call; loadMu makes the loads one sequence.
	mu     sync.Mutex
	loads  [][]byte
	loaded map[[sha256.Size]byte]bool
	loadMu sync.Mutex

	created atomic.Int64  // instances created, for tests
	peak    atomic.Uint32 // the most pages an instance has had after a call, for tests
	closed  atomic.Bool
}

// instance is one module instance and its exports.
type instance struct {
	mod               api.Module
	alloc, free, call api.Function
	stack             [4]uint64
	loaded            int // how many of Host.loads this instance has applied
}

// exports the module must have, besides its memory.
var exports = []string{"_initialize", "ncms_alloc", "ncms_free", "ncms_call", "ncms_version"}

// New compiles the module and returns a Host. Instances are created on demand, up to
// Options.PoolSize.
func New(ctx context.Context, wasm []byte, opts Options) (*Host, error) {
	pages := opts.MaxMemoryPages
	if pages == 0 {
		pages = DefaultMaxMemoryPages
	}
	size := opts.PoolSize
	if size <= 0 {
		size = runtime.GOMAXPROCS(0)
	}
	// No WithCloseOnContextDone: Call cancels without it, at no cost per call.
	cfg := runtimeConfig().WithMemoryLimitPages(pages)
	h := &Host{slots: make(chan struct{}, size), idle: make(chan *instance, size), loaded: map[[sha256.Size]byte]bool{}}
	if opts.CompilationCache != "" {
		c, err := wazero.NewCompilationCacheWithDir(opts.CompilationCache)
		if err != nil {
			return nil, fmt.Errorf("ncms host: compilation cache: %w", err)
		}
		h.cache = c
		cfg = cfg.WithCompilationCache(c)
	}
	h.rt = wazero.NewRuntimeWithConfig(ctx, cfg)
	fail := func(err error) (*Host, error) {
		h.rt.Close(ctx)
		if h.cache != nil {
			h.cache.Close(ctx)
		}
		return nil, err
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, h.rt); err != nil {
		return fail(fmt.Errorf("ncms host: wasi: %w", err))
	}
	compiled, err := h.rt.CompileModule(ctx, wasm)
	if err != nil {
		return fail(fmt.Errorf("ncms host: compile: %w", err))
	}
	fns := compiled.ExportedFunctions()
	for _, name := range exports {
		if _, ok := fns[name]; !ok {
			return fail(fmt.Errorf("ncms host: the module does not export %s", name))
		}
	}
	h.compiled = compiled
	stderr := opts.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	// Anonymous, so the one compiled module can be instantiated many times; the
	// reactor's _initialize runs the Go runtime's and the packages' initialisation.
	// wazero's defaults give the module a fixed random source and a fake clock: the
	// engine needs neither, and the Go runtime only seeds and paces with them.
	h.config = wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize").WithStderr(stderr)
	return h, nil
}

// runtimeConfig returns the compiler where wazero has one, the interpreter otherwise.
func runtimeConfig() wazero.RuntimeConfig {
	switch runtime.GOARCH {
	case "amd64", "arm64":
		return wazero.NewRuntimeConfigCompiler()
	}
	return wazero.NewRuntimeConfigInterpreter()
}

// Call runs the operation op on the JSON request req and returns the response
// envelope, byte for byte what engine.Handle returns natively. Bad input is an error
// envelope, not an error: the error is for the call itself — ctx done, the host
// closed, or an instance that trapped (and has been discarded).
//
// When ctx ends during the call, Call returns ctx's error at once; the instance
// finishes the call in the background, keeps its place in the pool until then (so
// abandoned calls cannot run more instances, or hold more memory, than PoolSize
// allows) and is then discarded.
//
// A successful load_policy applies to every instance: each replays the documents
// loaded since its last call before it serves the next.
func (h *Host) Call(ctx context.Context, op string, req []byte) ([]byte, error) {
	if h.closed.Load() {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ncms host: %s: %w", op, err)
	}
	if op == "load_policy" {
		h.loadMu.Lock()
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		if op == "load_policy" {
			h.loadMu.Unlock()
		}
		return nil, fmt.Errorf("ncms host: %s: %w", op, ctx.Err())
	}
	if ctx.Done() == nil {
		// A context that cannot end: no goroutine needed.
		return h.run(ctx, op, req, nil)
	}
	// The call runs on its own goroutine, so that the caller can leave when ctx
	// ends; the module is not told, and runs to the end of the call.
	type result struct {
		resp []byte
		err  error
	}
	done := make(chan result, 1)
	var abandoned atomic.Bool
	go func() {
		resp, err := h.run(context.WithoutCancel(ctx), op, req, &abandoned)
		done <- result{resp, err}
	}()
	select {
	case r := <-done:
		return r.resp, r.err
	case <-ctx.Done():
		abandoned.Store(true)
		return nil, fmt.Errorf("ncms host: %s: %w", op, ctx.Err())
	}
}

// run serves one call on an instance from the pool, having taken a slot (and, for
// load_policy, loadMu), and gives them back when the call ends. If abandoned is set
// by then, the caller has gone and the instance is discarded rather than kept.
func (h *Host) run(ctx context.Context, op string, req []byte, abandoned *atomic.Bool) ([]byte, error) {
	defer func() { <-h.slots }()
	if op == "load_policy" {
		defer h.loadMu.Unlock()
	}
	in, err := h.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("ncms host: %s: %w", op, err)
	}
	resp, err := h.serve(ctx, in, op, req)
	if err != nil {
		in.mod.Close(ctx)
		if h.closed.Load() {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("ncms host: %s: %w", op, err)
	}
	if op == engine.OpLoadPolicy && engine.Succeeded(resp) {
		h.mu.Lock()
		if sum := sha256.Sum256(req); !h.loaded[sum] {
			h.loaded[sum] = true
			h.loads = append(h.loads, bytes.Clone(req))
		}
		in.loaded = len(h.loads)
		h.mu.Unlock()
	}
	pages := in.mod.Memory().Size() / 65536
	for {
		if p := h.peak.Load(); pages <= p || h.peak.CompareAndSwap(p, pages) {
			break
		}
	}
	if pages > retainPages || (abandoned != nil && abandoned.Load()) {
		in.mod.Close(ctx)
		return resp, nil
	}
	h.idle <- in // never blocks: there are never more instances than slots
	return resp, nil
}

// get returns an idle instance or a new one.
func (h *Host) get(ctx context.Context) (*instance, error) {
	select {
	case in := <-h.idle:
		return in, nil
	default:
		return h.instantiate(ctx)
	}
}

// instantiate creates an instance and runs the module's _initialize.
func (h *Host) instantiate(ctx context.Context) (*instance, error) {
	mod, err := h.rt.InstantiateModule(ctx, h.compiled, h.config)
	if err != nil {
		if h.closed.Load() {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	h.created.Add(1)
	return &instance{mod: mod, alloc: mod.ExportedFunction("ncms_alloc"),
		free: mod.ExportedFunction("ncms_free"), call: mod.ExportedFunction("ncms_call")}, nil
}

// serve brings the instance's policies up to date and runs one call.
func (h *Host) serve(ctx context.Context, in *instance, op string, req []byte) ([]byte, error) {
	h.mu.Lock()
	pending := h.loads[in.loaded:len(h.loads):len(h.loads)]
	h.mu.Unlock()
	for _, doc := range pending {
		resp, err := in.exchange(ctx, "load_policy", doc)
		if err != nil {
			return nil, err
		}
		if r, err := engine.Open(resp); err != nil || !r.OK {
			return nil, fmt.Errorf("replaying load_policy gave %.200s", resp)
		}
		in.loaded++
	}
	return in.exchange(ctx, op, req)
}

// exchange is the memory protocol of ABI.md: alloc and write the operation and the
// request, call, read the response, free all three.
func (in *instance) exchange(ctx context.Context, op string, req []byte) ([]byte, error) {
	opPtr, err := in.put(ctx, []byte(op))
	if err != nil {
		return nil, err
	}
	reqPtr, err := in.put(ctx, req)
	if err != nil {
		return nil, err
	}
	in.stack = [4]uint64{uint64(opPtr), length(op), uint64(reqPtr), length(req)}
	if err := in.call.CallWithStack(ctx, in.stack[:]); err != nil {
		return nil, err
	}
	packed := in.stack[0]
	ptr, n := uint32(packed>>32), uint32(packed)
	view, found := in.mod.Memory().Read(ptr, n)
	if !found {
		return nil, fmt.Errorf("response [%d, +%d) is outside guest memory", ptr, n)
	}
	resp := bytes.Clone(view)
	for _, p := range []uint32{ptr, opPtr, reqPtr} {
		if p == 0 {
			continue
		}
		in.stack[0] = uint64(p)
		if err := in.free.CallWithStack(ctx, in.stack[:]); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// length is len(b) as the module's uint32, saturated: the module answers
// request_too_large for anything over 8 MiB without looking at the bytes.
func length[T string | []byte](b T) uint64 { return min(uint64(len(b)), 1<<32-1) }

// put copies b into a new guest buffer. An empty b needs no buffer, and one the
// module refuses (over 8 MiB) is not copied: the call answers request_too_large.
func (in *instance) put(ctx context.Context, b []byte) (uint32, error) {
	if len(b) == 0 || length(b) == 1<<32-1 {
		return 0, nil
	}
	in.stack[0] = uint64(len(b))
	if err := in.alloc.CallWithStack(ctx, in.stack[:]); err != nil {
		return 0, err
	}
	ptr := uint32(in.stack[0])
	if ptr == 0 {
		return 0, nil
	}
	if !in.mod.Memory().Write(ptr, b) {
		return 0, fmt.Errorf("buffer [%d, +%d) is outside guest memory", ptr, len(b))
	}
	return ptr, nil
}

// Close closes every instance and the compiled module. A call in progress runs to its
// end (the module is not interrupted), or its caller leaves when its context ends.
func (h *Host) Close(ctx context.Context) error {
	if h.closed.Swap(true) {
		return nil
	}
	err := h.rt.Close(ctx)
	if h.cache != nil {
		err = errors.Join(err, h.cache.Close(ctx))
	}
	return err
}
