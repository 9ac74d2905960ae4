#!/usr/bin/env bash
# The test command (see README.md). Installs what the tests need when it is missing, then runs
# formatting and lint checks and every test. Strict: a test that needs a missing tool fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PRAKAT_TEST_STRICT=1
export CARGO_TERM_COLOR=never

# Debian packages the tests and tools need, installed only when missing.
apt_packages=()
ensure_pkg() { # ensure_pkg COMMAND PACKAGE...
  command -v "$1" >/dev/null 2>&1 || apt_packages+=("${@:2}")
}
ensure_pkg cc gcc
ensure_pkg chromium chromium
ensure_pkg chromedriver chromium-driver
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "==> installing ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi
# A real SMTP server for the e-mail test.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "==> installing aiosmtpd (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --all-targets --locked
