# PovertyPlan — the two commands: `make run` and `make test`.
PY := .venv/bin/python
PIP := .venv/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# make test runs the suite in this many pytest-xdist processes (0: one process)
TEST_WORKERS ?= 2

.PHONY: run test test-fast bench lint install migrate demo worker messages clean

.venv/.installed: requirements.txt
	python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

install: .venv/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	SERVE_COLLECTED_STATIC=true $(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "PovertyPlan: http://$(HOST):$(PORT)/   (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Tài khoản demo / demo accounts: admin, manager, officer — mật khẩu / password: demo"
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		echo "Celery worker on $$CELERY_BROKER_URL"; \
		.venv/bin/celery -A povertyplan worker -l warning --concurrency 1 & \
	fi; \
	SERVE_COLLECTED_STATIC=true $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	@scripts/ensure-chromium
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Everything but the browser and real-worker tests, for quick local loops.
test-fast: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not browser and not worker" $(PYTEST_ARGS)

bench: install
	DJANGO_SETTINGS_MODULE=povertyplan.settings $(PY) -m benchmarks.run

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

messages: install
	$(PY) manage.py makemessages -l vi -l en --ignore .venv --ignore var
	$(PY) manage.py compilemessages --ignore .venv

worker: install
	.venv/bin/celery -A povertyplan worker -l info --concurrency 2

clean:
	rm -rf var/povertyplan.sqlite3
