# Two commands do all the setup on a machine with only Python 3.11 (see README.md):
#   make demo   install into .venv, crawl the bundled offline demo site into archive/
#   make test   install into .venv (with test tools) and redis-server if missing, run the whole test suite
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

.PHONY: install demo test lock redis
install: $(BIN)/.installed

# The distributed-crawl tests start a real redis-server: installed from the OS packages if missing
# (Debian/Ubuntu; as root, or through sudo).
redis:
	@command -v redis-server >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; }

demo: install
	$(BIN)/scrapy demo

test: install redis
	$(BIN)/python -m pytest -q

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --generate-hashes --extra test --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
