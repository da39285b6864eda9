# unspin: two commands on a fresh machine.
#   make demo  - set up .venv and run `unspin check` on the bundled example
#   make test  - set up .venv (with test extras), run make lint, then the test suite (python -m devkit.mutation_check: the mutation check)
#   make lint  - ruff (style, imports, bugbear, pyupgrade) and mypy (src/unspin); configured in pyproject.toml
#   make bench - run the benchmarks (needs ../shared)
#   make model - retrain the shipped models (needs ../shared)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint setup bench model clean browser wordnet

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP) wordnet
	$(BIN)/unspin check examples/spun_article.txt

# WordNet (Debian wordnet-base) is an optional second thesaurus: the detector proposes its synonyms
# as candidates too when /usr/share/wordnet is there. Installed here when missing and we can
# (root + apt-get); without it unspin runs on Moby alone and its WordNet test skips.
wordnet:
	@if [ ! -f /usr/share/wordnet/index.noun ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing wordnet-base (apt-get)"; \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -q wordnet-base || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wordnet-base)) >/tmp/unspin-wordnet-install.log 2>&1 \
			|| echo "warning: could not install wordnet-base (see /tmp/unspin-wordnet-install.log); unspin will use Moby alone"; \
	fi

# The browser tests drive Debian's chromium through Playwright (never Playwright's own
# downloads). Installed here when missing and we can (root + apt-get); if that fails the
# browser tests skip with a message saying so.
browser:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing chromium for the browser tests (apt-get)"; \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/tmp/unspin-chromium-install.log 2>&1 \
			|| echo "warning: could not install chromium (see /tmp/unspin-chromium-install.log); browser tests will skip"; \
	fi

# ruff over every Python tree and mypy over the package (configured in pyproject.toml); run by make test.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Installs what the optional tests need (chromium, WordNet; the test extra has datatrove) so none skips; in
# CI (CI set) a skip is a failure (UNSPIN_NO_SKIPS=1, tests/conftest.py). Every skip prints its reason.
test: lint $(STAMP) browser wordnet
	UNSPIN_NO_SKIPS=$${UNSPIN_NO_SKIPS:-$${CI:+1}} $(BIN)/python -m pytest -q

# Benchmarks read ../shared (BBC development data); each writes its table under bench/results/.
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.detect --docs 100
	$(BIN)/python -m bench.restore --docs 40
	$(BIN)/python -m bench.docscore --docs 300 --sotu 300
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.scan
	$(BIN)/python -m bench.datatrove --docs 100 --repeat 3
	$(BIN)/python -m bench.report --docs 100000 --browser
	$(BIN)/python -m bench.screen

# Rebuild the shipped models in src/unspin/data from the BBC development corpus (needs ../shared)
# and State of the Union passages (npm): word confidence and restoration, multi-word phrases, and
# the document score last (its features depend on the other two).
# Trained with Moby candidates only (UNSPIN_WORDNET_DIR empty): a word model trained with WordNet
# candidates too called the real spinner's article in ../shared/seed clean (see docs/detection.md).
# The phrase model is the exception: trained with WordNet, as it runs (its index holds WordNet's
# multi-word lemmas when WordNet is installed; the shipped one reads 16,049 matches, 14,609 without).
model: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	UNSPIN_WORDNET_DIR= $(BIN)/python -m training.train_detect --docs 300 --sotu 30 --habits spinbot,spinnerchief --order mixed
	$(BIN)/python -m training.train_phrases --docs 300 --sotu 200 --order mixed
	$(BIN)/python -m training.train_docscore --docs 150 --sotu 80 --habits spinbot,spinnerchief --order mixed
	$(BIN)/python -m training.train_detect --display-only --order mixed
	$(BIN)/python -m training.train_screen --docs 500 --sotu 150 --order mixed

clean:
	rm -rf $(VENV) build src/*.egg-info
