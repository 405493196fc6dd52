# The commands the README documents. `make test` is what .ci/run calls.
.PHONY: test lint dev-up destroy inventory restore backup-now bench-backup

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

# Tear a stack down: make destroy STACK=dev asks before every change;
# CONFIRM=dev (the stack name again) answers yes, for scripts and CI. The
# data volumes stay unless DELETE_DATA=yes (see docs/teardown.md).
destroy:
	@test -n "$(STACK)" || { echo "make destroy: name the stack, e.g. make destroy STACK=dev" >&2; exit 2; }
	./assets/teardown/destroy.sh $(STACK) $(if $(filter yes,$(DELETE_DATA)),--delete-data) $(if $(CONFIRM),--confirm=$(CONFIRM))

# MySQL dump + restore throughput through the project's backup scripts
# against a plain mysqldump | mysql, on a generated database of
# BACKUP_BENCH_MB megabytes (default 200). A benchmark: by hand, not CI.
bench-backup:
	go test -count=1 -run '^$$' -bench BenchmarkMySQLDumpRestore -benchtime 1x ./tests/backup

# Regenerate tests/testdata/metrics from Debian's exporters (by hand, not CI).
inventory:
	bash tests/inventory/capture.sh

# Restore one service of a stack from its backups (docs/backups.md):
# make restore STACK=prod SERVICE=mysql [SNAPSHOT=latest] [TO=scratch]
restore:
	@test -n "$(STACK)" -a -n "$(SERVICE)" || { echo "make restore: name the stack and the service, e.g. make restore STACK=prod SERVICE=mysql SNAPSHOT=latest" >&2; exit 2; }
	./assets/backup/host.sh $(STACK) restore $(SERVICE) $(or $(SNAPSHOT),latest) $(if $(TO),--to $(TO))

# Back up every host of a stack now, outside the schedule.
backup-now:
	@test -n "$(STACK)" || { echo "make backup-now: name the stack, e.g. make backup-now STACK=prod" >&2; exit 2; }
	./assets/backup/host.sh $(STACK) backup-now
