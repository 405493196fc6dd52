# The one test command the README documents and .ci/run calls.
.PHONY: test lint dev-up inventory

test: lint
	go build ./...
	go test -count=1 ./...

lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...

# Regenerate tests/testdata/metrics from Debian's exporters (by hand, not CI).
inventory:
	bash tests/inventory/capture.sh
