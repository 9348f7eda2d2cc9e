# Two commands on a machine with only python3: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck bench bench-smoke bench-large soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,serve]'
	touch $(STAMP)

## Open the reader (imports the bundled seed story into an empty store first).
run: $(STAMP)
	$(BIN)/broadsheet

## Run every test (unit, parser, store, TUI with Pilot, snapshots), the linter and the type checker.
test: $(STAMP)
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory typecheck
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

## mypy over the installed namespace (broadsheet, broadsheet.store, broadsheet.tui; see [tool.mypy]).
## The folders install under other names (store/ is broadsheet.store), which mypy cannot map, so it
## reads them through a tree of links laid out as they install; its cache keeps reruns to seconds.
TYPED := $(VENV)/typecheck
typecheck: $(STAMP)
	@rm -rf $(TYPED) && mkdir -p $(TYPED)/broadsheet
	@for f in broadsheet/*; do ln -s "$(CURDIR)/$$f" $(TYPED)/broadsheet/; done
	@for d in store tui styles seeds; do ln -s "$(CURDIR)/$$d" $(TYPED)/broadsheet/$$d; done
	MYPYPATH=$(TYPED) $(BIN)/mypy -p broadsheet

## Benchmarks (issue 7): 1k, 10k and 50k made-up stories, one table, written to docs/benchmarks.md.
bench: $(STAMP)
	@command -v rg >/dev/null || echo "bench: rg (ripgrep) not found, skipping the rg comparison (apt-get install ripgrep)"
	$(BIN)/python -m bench --out docs/benchmarks.md --json docs/benchmarks.json
	@command -v newsboat >/dev/null || echo "bench: newsboat not found, its feed rows say not measured (apt-get install newsboat)"
	$(BIN)/python -m bench.feeds --out docs/feeds-benchmarks.md

## The benchmark code on 1k stories in well under a minute (CI runs it via tests/test_bench_smoke.py).
bench-smoke: $(STAMP)
	@command -v rg >/dev/null || echo "bench: rg (ripgrep) not found, skipping the rg comparison (apt-get install ripgrep)"
	$(BIN)/python -m bench --smoke

## Issue 17 at scale: 10k, 100k and 1M stories through `broadsheet import`, the reader, the marks and
## repair/export/reindex, with growth between sizes; writes docs/benchmarks.md's large block. Not for CI:
## the 1M run writes about 4 GB of pages (cached), needs about 18 GB free and takes about an hour.
## Other sizes: make bench-large SIZES=10000,100000
SIZES ?= 10000,100000,1000000
bench-large: $(STAMP)
	@command -v newsboat >/dev/null || echo "bench: newsboat not found, its row says not measured (apt-get install newsboat)"
	$(BIN)/python -m bench.large --sizes $(SIZES) --out docs/benchmarks.md --json docs/benchmarks-large.json

## Crash-consistency soak (issue 8): hundreds of killed writers, real CLI kills, two writers
## at once, large and hostile files; prints runs, faults, stories/changes checked, losses.
soak: $(STAMP)
	$(BIN)/python -m soak

clean:
	rm -rf $(VENV) build dist *.egg-info
