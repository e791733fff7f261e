# The developer loop. CI (.ci/run) runs `make test`, the README's test command.
GO ?= go
PKGS := ./...
# The packages whose concurrency matters most (ingest's pipeline, tokens,
# the server's release swapping, cache and limits) run under the race
# detector. The DuckDB-heavy suites (publish, publish/duckdb, cmd) run
# without it: too slow under -race on two cores for what it finds there.
RACE_PKGS := ./schemas/... ./ingest/... ./tokens/... ./publish/api/...

.PHONY: test lint bench bench-scale fuzz demo build e2e soak

build:
	$(GO) build -o bin/yardstick ./cmd/yardstick

# Lighthouse's performance score depends on the machine being otherwise
# idle, so its test runs alone, after the others (it skips unless
# LIGHTHOUSE names the command, as .ci/run sets it).
#
# The DuckDB-heavy packages run two at a time on two cores, and
# publish/duckdb takes four to six minutes: on a busy machine it has passed
# go test's default ten-minute limit while still making progress, so their
# limit is 30 minutes.
test:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed:"; gofmt -l .; exit 1)
	$(GO) test -race -count=1 -cover $(RACE_PKGS)
	$(GO) test -count=1 -cover -timeout 30m -skip TestLighthouse $$($(GO) list ./... | grep -v -e /schemas -e /ingest -e /tokens -e /publish/api)
	$(GO) test -count=1 -run TestLighthouse ./cmd/yardstick/

lint:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l .)" || (gofmt -l .; exit 1)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# bench runs each benchmark in bench/ once: ingest of a 1-million-row sample against
# DuckDB's own unchecked CSV-to-Parquet copy, and publish of it against DuckDB running the
# comparison query alone; each prints times, rates, the ratio and peak memory.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 40m ./bench/

# bench-scale runs the benchmarks of bench/ once each, in one run, on a sample
# of ROWS rows (a million unless given: make bench-scale ROWS=5000000): ingest
# against DuckDB's single-file and partitioned copies, small returns against
# DuckDB (the council case, the same at any ROWS), publish against the
# comparison query alone, the website's pages a second, and the API under wrk
# or hey (skipped, saying so, when neither is on PATH) against a static file;
# then one summary line each: figure, peer, ratio, peak memory. The sample,
# the warehouse and the release are made once and shared. MEMORY_LIMIT (such
# as 3GB) is every publish's --memory-limit and the comparison query's DuckDB
# memory limit; SITE=false leaves the website out, which at tens of millions
# of rows is tens of gigabytes (make bench-scale ROWS=20000000 MEMORY_LIMIT=3GB
# SITE=false). A comparison query that fails (it runs out of memory under 3GB
# at 5M rows) is reported as failed, with no ratio, and publish's own figures
# and the website's are still measured. CI does not run it.
bench-scale:
	$(GO) test -run '^$$' -bench '^Benchmark(Ingest|IngestSmall|Publish|Serve)$$' -benchtime 1x -timeout 0 ./bench/ -args -rows $(or $(ROWS),1000000) \
		-memory-limit '$(MEMORY_LIMIT)' -site=$(or $(SITE),true)

# fuzz runs the fuzz target of every parser in turn, each for FUZZTIME (1m
# unless given: make fuzz FUZZTIME=10m): returns, mapping files and catalogue
# files (each through to an ingest), periods, numbers and value cells,
# provider registers and tokens. An input that fails is written to the
# package's testdata/fuzz/<target>/, where it stays as a test.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzIngest$$' -fuzztime $(or $(FUZZTIME),1m) -fuzzminimizetime 3s -parallel 1 ./ingest/
	$(GO) test -run '^$$' -fuzz '^FuzzMapping$$' -fuzztime $(or $(FUZZTIME),1m) -fuzzminimizetime 3s -parallel 1 ./ingest/
	$(GO) test -run '^$$' -fuzz '^FuzzCatalogue$$' -fuzztime $(or $(FUZZTIME),1m) -fuzzminimizetime 3s -parallel 1 ./ingest/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePeriod$$' -fuzztime $(or $(FUZZTIME),1m) ./schemas/
	$(GO) test -run '^$$' -fuzz '^FuzzParseNumber$$' -fuzztime $(or $(FUZZTIME),1m) ./schemas/
	$(GO) test -run '^$$' -fuzz '^FuzzValueCell$$' -fuzztime $(or $(FUZZTIME),1m) ./schemas/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(or $(FUZZTIME),1m) ./registers/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(or $(FUZZTIME),1m) ./tokens/

# e2e drives the binary's entry point end to end: sample -> ingest -> publish.
e2e:
	$(GO) test -count=1 -v -run 'TestSampleThenIngest|TestDemo|TestPublish|TestCouncilLevel' ./cmd/yardstick/

demo:
	$(GO) run ./cmd/yardstick demo

# soak runs the whole product on loopback for three minutes: returns posted
# with tokens, a publish every 20 s, readers throughout; it reports errors,
# lost submissions and the server's memory growth (targets in BENCHMARKS.md).
soak:
	$(GO) test -count=1 -run TestSoak -v -timeout 20m ./bench/ -soak 3m
