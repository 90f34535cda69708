# meshport: `make run` to try it, `make test` to test everything.
GO       ?= go
BIN      := bin/meshport
DB       ?= meshport.db
ADDR     ?= 127.0.0.1:8080
# The example OpenID Provider used by `make dev-sso` and the end-to-end tests
# (cmd/meshport/sso_browser_test.go names the same version).
OP_MODULE := github.com/zitadel/oidc/v3/example/server@v3.51.17
# -race also turns on checkptr, which checks every unsafe pointer step; the
# pure-Go SQLite (modernc.org/sqlite, C translated to Go) takes millions of
# them, and that check alone made the race-enabled suite three times slower.
# The race detector itself stays on everywhere, checkptr on for our code.
RACE := -race -gcflags='modernc.org/...=-d=checkptr=0'
# The SMTP server of the report tests and `make dev-mail`
# (cmd/meshport/mailpit_test.go names the same version).
MAILPIT_MODULE := github.com/axllent/mailpit@v1.27.11

.PHONY: run dev-sso dev-mail build generate test test-short lint check-generated services bench clean

## run: build and start the portal on a local SQLite file with demo data and the localhost-only sign-in
run: build
	./$(BIN) serve --dev --database-url $(DB) --addr $(ADDR)

## dev-sso: like run, but signing in at a real OpenID Provider started on localhost:9998
dev-sso: build
	OP_MODULE=$(OP_MODULE) ADDR=$(ADDR) ./scripts/dev-sso

## dev-mail: like run, with reports sent to a local mailpit (SMTP :1025, inbox http://127.0.0.1:8025)
dev-mail: build
	MAILPIT_MODULE=$(MAILPIT_MODULE) ADDR=$(ADDR) DB=$(DB) ./scripts/dev-mail

## build: compile the single binary into bin/
build: generate
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/meshport

## generate: turn views/*.templ into Go (templ is pinned in go.mod); without the version comment, which go doc would take for the package comment
generate:
	$(GO) tool templ generate -include-version=false

## test: every test, with the race detector, against the real PostgreSQL, MariaDB, Chromium, mailpit and OpenID Provider on this machine
test: generate services
	$(GO) test $(RACE) -count=1 -parallel 8 -timeout 20m ./...

## test-short: the tests that need no service (no database server, browser, SMTP or OpenID Provider), with the race detector
test-short: generate
	$(GO) test $(RACE) -count=1 -parallel 8 -short ./...

## services: fail at once, saying how to start it, when a database the tests need is down
services:
	@./scripts/check-services

## lint: formatting, vet, staticcheck, imports between layers, and generated code in sync with the templates
lint: check-generated
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) run ./cmd/importcheck

## check-generated: fail if `templ generate` changes any committed file
check-generated: generate
	@if [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
	  echo "templ generate changed these files; run 'make generate' and commit them:"; \
	  git status --porcelain -- '*_templ.go'; exit 1; fi

## bench: the load benchmark of the product list (see docs/performance.md)
bench: build
	./scripts/bench-product-list

clean:
	rm -rf bin $(DB) $(DB)-shm $(DB)-wal meshport-demo-warehouse.db meshport-sso.db meshport-sso.db-shm meshport-sso.db-wal
