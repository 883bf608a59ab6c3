# The two commands of the README's Quick start, and helpers.
.PHONY: run test bench lint format

run:  ## set up and serve the portal with demo data at http://127.0.0.1:8000 (worker and beat included)
	bash scripts/run.sh

test:  ## set up and run the whole suite on throwaway PostgreSQL, Redis, a Celery worker and Chromium
	bash scripts/test.sh

bench:  ## national-scale benchmark: seed_scale, gunicorn, load at concurrency 8; prints every target met or not
	bash scripts/bench.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
