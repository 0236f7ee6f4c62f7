# Two commands do all the set-up (both safe to run again):
#   make run    install everything and serve the embedded default at http://127.0.0.1:5000
#               (make run PORT=8080 serves on another port; the public URL follows unless
#               TEKENKLAAR_PUBLIC_URL is set)
#   make test   install everything and run the whole test suite
#   make bench  the benchmarks (figures in the README; JSON in bench/out/)
#   make lock   make requirements.lock again after a change to pyproject.toml's dependencies
export FLASK_APP := app:create_app
PYTEST_ARGS ?=
# make test runs the tests side by side, one pytest-xdist worker per core; tests sharing a
# LibreOffice or Chromium stay in one worker (see tests/conftest.py)
PYTEST_PARALLEL ?= -n auto --dist loadgroup --no-loadscope-reorder
PORT ?= 5000

.PHONY: setup run test demo bench lock

setup:
	@bash scripts/setup.sh

run: setup
	.venv/bin/flask db upgrade
	TEKENKLAAR_PUBLIC_URL="$${TEKENKLAAR_PUBLIC_URL:-http://127.0.0.1:$(PORT)}" \
		.venv/bin/flask run --host 127.0.0.1 --port $(PORT)

demo: setup
	.venv/bin/flask db upgrade
	.venv/bin/flask demo

test: setup
	@bash scripts/services.sh
	.venv/bin/flask templates check
	.venv/bin/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

bench: setup
	@bash scripts/services.sh
	.venv/bin/python bench/bench_docx.py
	.venv/bin/python bench/bench_pdf.py
	.venv/bin/python bench/bench_package.py
	.venv/bin/python bench/bench_callbacks.py
	.venv/bin/python bench/bench_bulk.py

# Every package pinned with its hashes, resolved by the .venv setup.sh makes (Debian's python3.11,
# so markers such as python_full_version match); setup.sh installs from it.
# The first line records the hash of pyproject.toml's dependencies (scripts/lock_hash.py).
lock:
	@test -x .venv/bin/pip-compile || .venv/bin/python -m pip install -q "pip-tools>=7.4"
	.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--extra test --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml
	sed -i '1i # dependencies-sha256: '"$$(.venv/bin/python scripts/lock_hash.py)"' (make lock)' \
		requirements.lock
