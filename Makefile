# The one test command the README documents and .ci/run calls.
.PHONY: test lint dev-up

test: lint
	go build ./...
	go test -count=1 ./...

lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
