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
ensure_pkg pebble pebble
ensure_pkg git git
ensure_pkg chronyd chrony
ensure_pkg npm npm
# The installer test (tests/install.rs): unpacks an archive, creates a user, checks the unit.
ensure_pkg unzip unzip
ensure_pkg curl curl
# The proxy_cache test (tests/nginx_cache.rs) and the benchmark run Debian's nginx.
ensure_pkg nginx nginx
ensure_pkg useradd passwd
ensure_pkg setpriv util-linux
ensure_pkg systemd-analyze systemd
# The firewall of install.sh, loaded in a network namespace of the install test's own.
ensure_pkg nft nftables
# Power-safe writes: the order of fsync and commit (tests/durability.rs).
ensure_pkg strace strace
# Packaging lint: the shell scripts and the Debian package.
ensure_pkg shellcheck shellcheck
ensure_pkg lintian lintian
# The print test counts the pages of the printed request form (tests/browser.rs).
ensure_pkg pdfinfo poppler-utils
# The Nu HTML checker (vnu.jar, tests/face.rs) runs on Java.
ensure_pkg java default-jre-headless
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "==> installing ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}"
fi
# axe-core (tests/browser.rs), the Nu HTML checker vnu-jar (tests/face.rs) and Lighthouse
# (tests/lighthouse.sh), into tests/axe (node_modules is git-ignored; the versions are pinned by
# tests/axe/package-lock.json).
if [ ! -f tests/axe/node_modules/axe-core/axe.min.js ] || [ ! -f tests/axe/node_modules/vnu-jar/build/dist/vnu.jar ] ||
  [ ! -x tests/axe/node_modules/.bin/lighthouse ]; then
  echo "==> installing axe-core, vnu-jar and lighthouse (npm)"
  npm ci --prefix tests/axe --no-audit --no-fund --silent
fi
# A real SMTP server for the e-mail test.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "==> installing aiosmtpd (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done
# cargo-audit for the dependency audit: compiled from crates.io into ~/.cargo/bin, once per
# machine (about 10 minutes on 2 cores).
if ! cargo audit --version >/dev/null 2>&1; then
  echo "==> installing cargo-audit (crates.io, compiles once per machine)"
  cargo install --locked --no-default-features cargo-audit --version 0.22.2
fi

# Dependency audit of Cargo.lock against the offline RustSec snapshot in ../shared/advisory-db.
# cargo-audit wants a git checkout, so a writable copy is committed in a temporary folder. Any
# vulnerability fails; so does any warning (unmaintained, unsound, yanked) not accepted, with its
# reason, in .cargo/audit.toml.
echo "==> cargo audit (offline RustSec snapshot)"
advisory_src=${PRAKAT_ADVISORY_DB:-../shared/advisory-db}
if [ ! -d "$advisory_src/crates" ]; then
  echo "ERROR: no RustSec advisory snapshot at $advisory_src (expected shared/ beside the repo," >&2
  echo "ERROR: see its SNAPSHOT.md; PRAKAT_ADVISORY_DB=/path overrides): the dependency audit cannot run" >&2
  exit 1
fi
audit_tmp=$(mktemp -d)
trap 'rm -rf "$audit_tmp"' EXIT
cp -R "$advisory_src" "$audit_tmp/advisory-db"
chmod -R u+w "$audit_tmp/advisory-db"
audit_git=(git -C "$audit_tmp/advisory-db" -c init.defaultBranch=main -c core.hooksPath=/dev/null
  -c user.name=prakat-tests -c user.email=prakat-tests@localhost -c commit.gpgsign=false)
"${audit_git[@]}" init -q
"${audit_git[@]}" add -A
"${audit_git[@]}" commit -q -m snapshot
cargo audit --no-fetch --db "$audit_tmp/advisory-db" --file Cargo.lock --deny warnings

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> shellcheck"
shellcheck -x packaging/*.sh tests/*.sh
echo "==> cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "==> cargo test"
cargo test --all-targets --locked

echo "==> lighthouse (mobile: home, an area, an item, search)"
bash tests/lighthouse.sh

# The Debian package, made by packaging/deb.sh around the test build. Two tags are about that
# build only and are not checked here: the release binary is static and stripped (and carries
# the override for statically-linked-binary), the test binary is neither.
echo "==> lintian"
mkdir -p "$audit_tmp/deb"
deb=$(PRAKAT_DEB_COMPRESS=xz sh packaging/deb.sh 0.0.0 "$(uname -m)-unknown-linux-gnu" \
  "${CARGO_TARGET_DIR:-target}/debug/prakat" "$audit_tmp/deb")
lintian --fail-on error,warning --tag-display-limit 0 \
  --suppress-tags missing-dependency-on-libc,unstripped-binary-or-object "$deb"
