# Shortcuts for the scripts (they need ODOO_SRC: see README.md, "Set-up").
.PHONY: run test bench loadtest

run:
	./scripts/run.sh

test:
	./scripts/test.sh

# BENCH_ARGS go to the package scripts/bench (python -m bench), e.g.
# make bench BENCH_ARGS=--quick
bench:
	./scripts/bench.sh $(BENCH_ARGS)

# LOADTEST_ARGS go to the package scripts/loadtest (python -m loadtest), e.g.
# make loadtest LOADTEST_ARGS=--quick
loadtest:
	./scripts/loadtest.sh $(LOADTEST_ARGS)
