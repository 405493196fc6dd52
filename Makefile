# The commands the README documents. `make test` is what .ci/run calls.
.PHONY: test lint dev-up inventory

# Every test: formatting, vet, the policy pack's build, unit, mock and
# real-tool tests.
test: lint
	go build ./...
	go test -count=1 ./...

lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...

# Bring the whole dev stack up on the local Docker engine.
dev-up:
	./assets/dev-up.sh

# Regenerate tests/testdata/metrics from Debian's exporters (by hand, not CI).
inventory:
	bash tests/inventory/capture.sh
