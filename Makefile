# The two commands a newcomer needs are `make run` and `make test` (see README.md).
GO ?= go
PKGS := ./...

.PHONY: test vet wasm-check fuzz bench conform run

# test runs every test the project has, after vet and a wasip1 build of the core.
test: vet wasm-check
	$(GO) test -count=1 $(PKGS)

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# The core must build for WebAssembly (wasip1): no I/O, no clocks.
wasm-check:
	GOOS=wasip1 GOARCH=wasm $(GO) build ./core/...

# fuzz runs each fuzz target briefly; FUZZTIME=5m for a longer run.
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParseID -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/identity/
	$(GO) test -run='^$$' -fuzz=FuzzLuhn -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/identity/
	$(GO) test -run='^$$' -fuzz=FuzzDecodePolicy -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/policy/
	$(GO) test -run='^$$' -fuzz=FuzzSettle -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/settle/

# bench runs the benchmarks; compare runs with benchstat.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=5 ./core/...

# conform plays the conformance vectors through the native core.
conform:
	$(GO) run ./conformance/cmd/ncms-conform --vectors conformance/vectors --target native

run:
	@echo "The county server is not built yet (issue: server/)."; exit 1
