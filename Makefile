# Two commands do all the setup on a machine with only Python 3.11 (see README.md):
#   make demo   install into .venv, crawl the bundled offline demo site into archive/
#   make test   install into .venv (with test tools), pywb into .venv-pywb, redis-server and chromium if
#               missing, run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# --require-hashes: the exact, verified versions of requirements.lock (pip-compile --generate-hashes)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	# the project itself (editable, its dependencies are the lock's): `scrapy extract` from any directory
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

.PHONY: install demo test lock redis lint format chromium pywb
install: $(BIN)/.installed

# The distributed-crawl tests start a real redis-server: installed from the OS packages if missing
# (Debian/Ubuntu; as root, or through sudo).
redis:
	@command -v redis-server >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; }

# The report test opens `scrapy report` in a real headless Chromium: Debian's package, like redis,
# with a CJK font so that its screenshots show the Chinese text (docs/report.md).
chromium:
	@{ command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi wqy; } || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

# pywb (replay tests) and the wacz tools (`wacz validate`) in their own environment: their pins
# conflict with scrapy-redis and this project's Twisted (docs/replay.md).
PYWB_VENV := .venv-pywb
$(PYWB_VENV)/bin/.installed:
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB_VENV)/bin/python -m pip install --quiet pywb==2.10.0 wacz==0.6.0
	touch $@
pywb: $(PYWB_VENV)/bin/.installed

demo: install
	$(BIN)/scrapy demo

test: install redis chromium pywb lint
	$(BIN)/python -m pytest -q

# ruff (pyproject.toml [tool.ruff]): lint and formatting, both checked; `make format` fixes what it can
lint: install
	$(BIN)/ruff check crawler tests bench
	$(BIN)/ruff format --check crawler tests bench

format: install
	$(BIN)/ruff format crawler tests bench
	$(BIN)/ruff check --fix crawler tests bench

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --generate-hashes --extra test --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
