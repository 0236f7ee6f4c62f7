# Two commands do all the set-up (both safe to run again):
#   make run    install everything and serve the embedded default at http://127.0.0.1:5000
#   make test   install everything and run the whole test suite
#   make bench  the benchmarks (figures in the README; JSON in bench/out/)
export FLASK_APP := app:create_app
PYTEST_ARGS ?=

.PHONY: setup run test demo bench

setup:
	@bash scripts/setup.sh

run: setup
	.venv/bin/flask db upgrade
	.venv/bin/flask run --host 127.0.0.1 --port 5000

demo: setup
	.venv/bin/flask db upgrade
	.venv/bin/flask demo

test: setup
	@bash scripts/services.sh
	.venv/bin/flask templates check
	.venv/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	@bash scripts/services.sh
	.venv/bin/python bench/bench_docx.py
	.venv/bin/python bench/bench_pdf.py
	.venv/bin/python bench/bench_package.py
	.venv/bin/python bench/bench_callbacks.py
	.venv/bin/python bench/bench_bulk.py
