# The two commands a newcomer needs are `make run` and `make test` (see README.md).
GO ?= go
PKGS := ./...

.PHONY: test vet wasm-check wasm wasm-opt wasm-js fuzz bench flood conform run web
WASM := wasm/js/ncms.wasm

# test runs every test the project has, after vet and a wasip1 build of the core, through
# gotestsum (a go.mod tool); it ends with every skipped test and why, and the totals
# (.ci/skips.go). Under CI=true a skip fails the run. The server, its ledger and stores
# run under the race detector, and so do the module host's pool and cancellation tests;
# the tests that compile the module (the rest of wasm/host, a server on the wasm engine)
# run without it, which would slow wazero's compiler tenfold.
TESTOUT := .test
GOTESTSUM = $(GO) tool gotestsum --format pkgname-and-test-fails
RACEPKGS := ./server/api/... ./server/ledger/... ./server/store/... ./server/cli/...
NORACE := TestServeWasm
RACEHOST := TestConcurrent|TestContextDone|TestCancelConcurrent|TestClose|TestLoadPolicyReachesEveryInstance
test: vet wasm-check
	@rm -rf $(TESTOUT) && mkdir -p $(TESTOUT)
	$(GOTESTSUM) --jsonfile $(TESTOUT)/go.json -- -count=1 $$($(GO) list $(PKGS) | grep -v -e /server/api -e /server/ledger -e /server/store -e /server/cli)
	$(GOTESTSUM) --jsonfile $(TESTOUT)/race.json -- -count=1 -race -skip '$(NORACE)' $(RACEPKGS)
	$(GOTESTSUM) --jsonfile $(TESTOUT)/norace.json -- -count=1 -run '$(NORACE)' ./server/cli/
	$(GOTESTSUM) --jsonfile $(TESTOUT)/race-host.json -- -count=1 -race -run '$(RACEHOST)' ./wasm/host/
	@bash .ci/test32 --mode
	$(GOTESTSUM) --jsonfile $(TESTOUT)/32bit.json --raw-command -- bash .ci/test32 $(TESTOUT)/32bit.skip -json
	@$(GO) run .ci/skips.go $(TESTOUT)/*

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# The core and wasm/ must build for WebAssembly (wasip1); the module is vetted there.
wasm-check:
	GOOS=wasip1 GOARCH=wasm $(GO) build ./core/... ./wasm/...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./wasm/module

# wasm builds the one module every host loads (wasm/ABI.md), next to ncms.js.
wasm:
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -ldflags="-s -w -buildid=" -o $(WASM) ./wasm/module
	@sha256sum $(WASM)

# wasm-opt shrinks it with binaryen (apt-get install binaryen) and re-checks byte equality.
wasm-opt: wasm
	wasm-opt -Oz --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory --enable-mutable-globals $(WASM) -o wasm/js/ncms.opt.wasm
	NCMS_WASM=$(CURDIR)/wasm/js/ncms.opt.wasm $(GO) test -count=1 -run 'TestSameBytes|TestHostile|TestNode' ./wasm/host

# web writes the estimator page (server/web) with ncms.js and the module as a static
# site in dist/web, for any web server or hospital kiosk.
web: wasm
	rm -rf dist/web
	$(GO) run ./server/web/cmd/webdist -wasm $(WASM) -o dist/web

# wasm-js runs the JS loader's tests on the built module (go test ./wasm/host runs them
# too, against the native bytes).
wasm-js: wasm
	node --test wasm/js/test/

# fuzz runs each fuzz target briefly; FUZZTIME=5m for a longer run.
FUZZTIME ?= 20s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParseID -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/identity/
	$(GO) test -run='^$$' -fuzz=FuzzLuhn -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/identity/
	$(GO) test -run='^$$' -fuzz=FuzzValidateRoster -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/identity/
	$(GO) test -run='^$$' -fuzz=FuzzDecodePolicy -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/policy/
	$(GO) test -run='^$$' -fuzz=FuzzSettle -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/settle/
	$(GO) test -run='^$$' -fuzz=FuzzUnmarshalJSONFrom -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./core/claim/
	$(GO) test -run='^$$' -fuzz=FuzzReports -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./server/report/
	$(GO) test -run='^$$' -fuzz=FuzzAmountText -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./server/store/
	$(GO) test -run='^$$' -fuzz=FuzzImport -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./server/ledger/

# bench runs the benchmarks; compare runs with benchstat.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=5 ./core/... ./wasm/host

# flood sends 16, 48 and 64 connections of hostile public requests of every shape to
# a fresh server each and fails if its peak RSS passes 300 MB or /healthz stops
# answering (README, "Public routes").
flood:
	CONNS="16 48 64" SHAPE=all MAX_RSS=300 server/cmd/ncms-load/flood.sh

# conform plays the conformance vectors through the native core.
conform:
	$(GO) run ./cmd/ncms conform --vectors conformance/vectors --target native

# run builds the WebAssembly module (the estimator page serves it) and the ncms
# command, and starts the county server (ncms serve) with its defaults: :8080,
# ./data/ncms.db, the native engine. The first start prints the county
# administrator's key (also in ./data/admin.key) and the admin operator's password.
run: wasm
	$(GO) build -o bin/ncms ./cmd/ncms
	./bin/ncms serve
