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
	.venv/bin/python -m pytest $(PYTEST_ARGS)

bench: setup
	@bash scripts/services.sh
	cd bench && ../.venv/bin/python bench_docx.py
	cd bench && ../.venv/bin/python bench_pdf.py
	cd bench && ../.venv/bin/python bench_package.py
	cd bench && ../.venv/bin/python bench_callbacks.py
	cd bench && ../.venv/bin/python bench_bulk.py
