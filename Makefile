# Lead Connectors: `make dev` runs everything locally, `make test` checks everything.
# Both install what is missing first: moto and cfn-lint from PyPI; `make test` also
# schemathesis from PyPI and Debian's Chromium and chromedriver for its browser test.

PYTHON ?= python3
PIP    := $(PYTHON) -m pip
export MOTO_PYTHON := $(PYTHON)

.PHONY: dev test tools test-tools browser lint fmt clean bench bench-size

## dev: moto + every function on http://127.0.0.1:3000, demo credentials in .local/demo.json
dev: tools
	cargo run -p local --bin local-gateway

## test: formatting, clippy, cfn-lint and every test (debug builds)
test: tools test-tools browser lint
	cargo test --workspace

lint:
	@cargo clippy --version >/dev/null 2>&1 && cargo fmt --version >/dev/null 2>&1 || rustup component add clippy rustfmt
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(PYTHON) -c "import sys, cfnlint.runner; sys.argv = ['cfn-lint', 'template.yaml']; cfnlint.runner.main()"

## tools: install what the local AWS API and the template check need, when absent
tools:
	@$(PYTHON) -c "import moto.server, werkzeug" 2>/dev/null || $(PIP) install --quiet 'moto[server]>=5.1,<6'
	@$(PYTHON) -c "import cfnlint" 2>/dev/null || $(PIP) install --quiet 'cfn-lint>=1,<2'

## test-tools: schemathesis, which tests/tests/schemathesis.rs runs against the local gateway
test-tools:
	@$(PYTHON) -c "import schemathesis" 2>/dev/null || $(PIP) install --quiet 'schemathesis>=4.32,<5'

## browser: the browser test drives Debian's headless Chromium through chromedriver
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

## bench: criterion benchmarks of email parsing and mapping (release)
bench:
	cargo bench -p shared

## bench-size: release size and start-up of every function vs Python + boto3 (slow: one LTO
## build per function, as sam build makes them; cargo-lambda and its zig from PyPI)
bench-size:
	@$(PYTHON) -c "import boto3" 2>/dev/null || $(PIP) install --quiet boto3
	@command -v cargo-lambda >/dev/null 2>&1 || $(PIP) install --quiet cargo-lambda
	$(PYTHON) bench/measure.py

fmt:
	cargo fmt --all

clean:
	cargo clean
	rm -rf .local
