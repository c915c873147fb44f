//go:build wasip1

// Command module is the NCMS engine as a WebAssembly reactor: one module that every
// host — the Go host over wazero, browsers, Node, Java, .NET — loads and calls through
// the same four exports. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags="-s -w -buildid=" -o ncms.wasm ./wasm/module
//
// The host calls _initialize once, then for each request: ncms_alloc and write the
// operation name and the request, ncms_call, read the response, and ncms_free all
// three. wasm/ABI.md is the contract; the responses are the bytes engine.Handle
// returns natively.
//
// The module imports only wasi_snapshot_preview1 (the Go runtime's needs) and never
// calls proc_exit on any input: a panic becomes an engine_internal envelope. The one
// failure it cannot turn into an envelope is running out of linear memory, which the
// Go runtime treats as fatal; hosts discard such an instance.
package main

import (
	"runtime/debug"
	"sync"
	"unsafe"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/engine"
)

// maxRequest is the largest request the module copies into its memory: the codec's
// own limit (8 MiB). ncms_alloc refuses larger sizes and ncms_call answers
// request_too_large for them without reading guest memory, so a hostile 50 MB request
// never grows the instance (WebAssembly memory cannot shrink again).
const maxRequest = codec.MaxRequest

// allocs holds every buffer handed to the host, by its address, so that the garbage
// collector keeps it alive (Go's collector does not move objects) until ncms_free.
var allocs = map[uint32][]byte{}

var (
	once    sync.Once
	eng     *engine.Engine
	engErr  error
	opNames = map[string]bool{}
)

// engineOnce creates the engine with the embedded example policies at first use; it
// lives as long as the instance, so policies loaded with load_policy stay loaded.
func engineOnce() (*engine.Engine, error) {
	once.Do(func() {
		eng, engErr = engine.WithExamples()
		for _, op := range engine.Operations() {
			opNames[op] = true
		}
	})
	return eng, engErr
}

// heapLimit is the heap size past which the Go runtime collects garbage as often as
// it must to stay under it (debug.SetMemoryLimit), rather than letting the heap reach
// twice what is live (GOGC=100) before collecting. Linear memory never shrinks, and
// the runtime does not collect when memory.grow fails: it dies. A large call's
// garbage therefore costs memory for the instance's life; below the limit, the
// runtime behaves as it always has.
const heapLimit = 192 << 20

func init() { debug.SetMemoryLimit(heapLimit) }

func main() {}

// ncms_alloc returns the address of a new buffer of size bytes in guest memory, or 0
// when size exceeds codec.MaxRequest (8 MiB). The buffer stays valid until ncms_free.
//
//go:wasmexport ncms_alloc
func ncmsAlloc(size uint32) uint32 {
	if size > maxRequest {
		return 0
	}
	return keep(make([]byte, max(size, 1))[:size])
}

// ncms_free releases a buffer from ncms_alloc or a response from ncms_call or
// ncms_version. Freeing an unknown address does nothing.
//
//go:wasmexport ncms_free
func ncmsFree(ptr uint32) {
	delete(allocs, ptr)
}

// ncms_call runs the operation named by the opLen bytes at opPtr on the reqLen bytes
// at reqPtr, and returns the response's address in the high 32 bits and its length in
// the low 32 bits. Both inputs must lie in buffers from ncms_alloc (an empty input may
// have any address); the host frees the response with ncms_free.
//
//go:wasmexport ncms_call
func ncmsCall(opPtr, opLen, reqPtr, reqLen uint32) uint64 {
	return respond(call(opPtr, opLen, reqPtr, reqLen))
}

// ncms_version returns the version response, packed as ncms_call packs it.
//
//go:wasmexport ncms_version
func ncmsVersion() uint64 {
	return respond(handle(engine.OpVersion, nil))
}

func call(opPtr, opLen, reqPtr, reqLen uint32) (resp []byte) {
	defer func() {
		if r := recover(); r != nil {
			resp = internal(core.Recovered(r))
		}
	}()
	op, ok := region(opPtr, opLen)
	if !ok {
		return internal("operation name is not in a buffer from ncms_alloc")
	}
	if reqLen > maxRequest {
		return tooLarge(string(op), reqLen)
	}
	req, ok := region(reqPtr, reqLen)
	if !ok {
		return internal("request is not in a buffer from ncms_alloc")
	}
	return handle(string(op), req)
}

// handle runs engine.Handle, turning any panic (or a failure to load the example
// policies) into an engine_internal envelope.
func handle(op string, req []byte) (resp []byte) {
	defer func() {
		if r := recover(); r != nil {
			resp = internal(core.Recovered(r))
		}
	}()
	e, err := engineOnce()
	if err != nil {
		return internal(err.Error())
	}
	return e.Handle(op, req)
}

// tooLarge answers a request the module did not copy. It is the envelope the codec
// gives natively for any request over codec.MaxRequest, and an unknown operation is
// reported as the engine reports it, before the request is looked at.
func tooLarge(op string, n uint32) []byte {
	if _, err := engineOnce(); err == nil && !opNames[op] {
		return handle(op, nil)
	}
	return engine.Failure(core.Errors{codec.TooLarge(uint64(n))})
}

func internal(detail string) []byte {
	return engine.Failure(core.Errors{core.NewErrorText(core.EngineInternal, "", detail, "")})
}

// region returns the n bytes at ptr, which must start a live buffer of at least n
// bytes. Looking the address up, rather than converting it to a pointer, means a
// wrong address from the host is an error envelope instead of a read of arbitrary
// memory.
func region(ptr, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	b, ok := allocs[ptr]
	if !ok || n > uint32(len(b)) {
		return nil, false
	}
	return b[:n:n], true
}

// respond keeps resp alive for the host and packs its address and length.
func respond(resp []byte) uint64 {
	if len(resp) == 0 {
		// engine.Handle always returns an envelope; never hand out an empty buffer.
		resp = internal("empty response")
	}
	return uint64(keep(resp))<<32 | uint64(len(resp))
}

// keep records b by the address of its first byte (wasm addresses fit in 32 bits).
func keep(b []byte) uint32 {
	ptr := uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b[:cap(b)]))))
	allocs[ptr] = b
	return ptr
}
