#!/bin/sh
# Builds a Prakat release from a clean export of the repository (git archive of --ref, default
# HEAD; the working tree is never touched) with the package version set to VERSION:
#
#   packaging/release.sh VERSION --key FILE [--targets x86_64,aarch64] [--ref REF] [--trust-key] [--no-deb]
#
# For each target: a static binary (profile "dist" of Cargo.toml: x86_64 with the host's Rust,
# aarch64 for the Raspberry Pi in a Debian trixie chroot inside the build folder, see
# packaging/cross-arm64.sh), a smoke test
# (--version, serve, /healthz, a page; aarch64 under qemu-aarch64-static), the release archive
# prakat-VERSION-TARGET.zip signed with zipsign (ed25519; context = the archive's file name, as
# the self-updater expects) and a Debian package. Then SHA256SUMS, manifest.json (the update
# feed) and install.sh, all in packaging/out/VERSION/, and a size report (limit 15 MB a binary).
#
# --key FILE is a zipsign private key (zipsign gen-key PRIV PUB), never committed. Its public half
# must be listed in assets/release-keys.txt, unless --trust-key: then the binaries also trust
# that key (PRAKAT_EXTRA_RELEASE_KEY at compile time), which is meant for test releases only.
# Needs root for the aarch64 chroot. The build folder packaging/out/build keeps the chroot and
# the target dirs, so later releases build warm.
set -eu
# The whole script is one block, read before it runs (safe to edit, or to pipe from curl).
{

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
version=""
key=""
targets=x86_64,aarch64
ref=HEAD
trust_key=no
deb=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key=${2:?--key needs a file}; shift 2 ;;
    --targets) targets=${2:?--targets needs a list}; shift 2 ;;
    --ref) ref=${2:?--ref needs a git revision}; shift 2 ;;
    --trust-key) trust_key=yes; shift ;;
    --no-deb) deb=no; shift ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    -*) echo "release.sh: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$version" ] || { echo "release.sh: one VERSION only" >&2; exit 2; }; version=$1; shift ;;
  esac
done
die() { echo "release.sh: $*" >&2; exit 1; }
echo "$version" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$' || die "VERSION like 1.2.3 is required (see --help)"
if [ -z "$key" ] || [ ! -f "$key" ]; then die "--key FILE (a zipsign private key) is required"; fi
key=$(cd "$(dirname "$key")" && pwd)/$(basename "$key")

started=$(date +%s)
step() { echo "==> [$(($(date +%s) - started))s] $*"; }

build=$here/out/build
out=$here/out/$version
mkdir -p "$build"
rm -rf "$out"
mkdir -p "$out"

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v zipsign >/dev/null 2>&1; then
  step "installing zipsign (crates.io)"
  cargo install --locked zipsign --version 0.2.2
fi

# --- clean source with the release's version ---------------------------------------------
step "exporting $ref ($(git -C "$repo" rev-parse --short "$ref")) as version $version"
src=$build/src
if grep -qs " $src" /proc/mounts; then die "$src is still mounted (a previous run was killed?)"; fi
rm -rf "$src"
mkdir -p "$src"
git -C "$repo" archive --format=tar "$ref" | tar -x -C "$src"
# The first version line of Cargo.toml is the package's; the lock file names it after "prakat".
sed -i "0,/^version = \".*\"/s//version = \"$version\"/" "$src/Cargo.toml"
awk -v v="$version" '
  prev == "name = \"prakat\"" && /^version = / { $0 = "version = \"" v "\"" }
  { print; prev = $0 }' "$src/Cargo.lock" >"$src/Cargo.lock.new"
mv "$src/Cargo.lock.new" "$src/Cargo.lock"
grep -q "^version = \"$version\"" "$src/Cargo.toml" || die "could not set the version in Cargo.toml"

# --- which keys the binaries trust ------------------------------------------------------------
zipsign gen-key --extract --force "$key" "$build/release-key.pub" >/dev/null
pub=$(od -An -tx1 -v "$build/release-key.pub" | tr -d ' \n')
if grep -qix "$pub" "$src/assets/release-keys.txt"; then
  unset PRAKAT_EXTRA_RELEASE_KEY || true
  step "signing key $pub is a release key (assets/release-keys.txt)"
elif [ "$trust_key" = yes ]; then
  export PRAKAT_EXTRA_RELEASE_KEY="$pub"
  step "TEST RELEASE: the binaries also trust the signing key $pub (--trust-key)"
else
  die "the key's public half $pub is not in assets/release-keys.txt (use --trust-key for a test release)"
fi

# --- smoke test: --version, serve on loopback, /healthz, the home page, the setup link --------
smoke() { # smoke LABEL COMMAND...
  label=$1
  shift
  said=$("$@" --version)
  [ "$said" = "prakat $version" ] || die "$label: --version said '$said'"
  data=$(mktemp -d)
  log=$data.log
  PRAKAT_LOG=warn "$@" serve --data "$data" --http 127.0.0.1:0 >"$log" 2>&1 &
  pid=$!
  base=""
  i=0
  while [ $i -lt 600 ] && [ -z "$base" ]; do
    base=$(sed -n 's/^listening on //p' "$log" | head -n 1)
    [ -n "$base" ] || { kill -0 $pid 2>/dev/null || break; sleep 0.1; }
    i=$((i + 1))
  done
  [ -n "$base" ] || { cat "$log" >&2; kill $pid 2>/dev/null || true; die "$label: serve did not start"; }
  health=$(curl -fsS "$base/healthz") || { kill $pid; die "$label: /healthz failed"; }
  page=$(curl -fsS -o /dev/null -w '%{http_code} %{size_download}' "$base/") || { kill $pid; die "$label: / failed"; }
  link=$(sed -n 's/^setup link: //p' "$log")
  kill $pid
  wait $pid 2>/dev/null || true
  rm -rf "$data" "$log"
  [ -n "$link" ] || die "$label: no setup link printed"
  echo "    smoke $label: $said; $base/healthz: $(echo "$health" | tr -d '\n' | cut -c1-60); / $page bytes; setup link printed"
}

triple() {
  case "$1" in
    x86_64) echo x86_64-unknown-linux-gnu ;;
    aarch64) echo aarch64-unknown-linux-gnu ;;
    *) die "unknown target $1 (x86_64, aarch64)" ;;
  esac
}

report=""
for arch in $(echo "$targets" | tr ',' ' '); do
  target=$(triple "$arch")
  bin=$build/bin-$target/prakat
  mkdir -p "$(dirname "$bin")"
  t0=$(date +%s)
  case "$arch" in
    x86_64)
      step "building $target (static, host Rust $(rustc --version | cut -d' ' -f2))"
      # Not position-independent, like the aarch64 build from Debian's Rust: `file` then says
      # "statically linked" and the binary carries no 0.7 MB of start-up relocations. The price
      # is a fixed load address for the program's own code (stack, heap and libraries' mmap
      # areas are still randomised).
      (cd "$src" && RUSTFLAGS='-C target-feature=+crt-static -C relocation-model=static' \
        CARGO_TARGET_DIR="$build/target-x86_64" \
        CARGO_TERM_COLOR=never cargo build --profile dist --locked --quiet --target "$target")
      cp "$build/target-x86_64/$target/dist/prakat" "$bin"
      runner=""
      ;;
    aarch64)
      step "building $target (static, Debian trixie chroot in $build/trixie-root)"
      "$here/cross-arm64.sh" "$build/trixie-root" "$src" "$bin"
      command -v qemu-aarch64-static >/dev/null 2>&1 || {
        step "installing qemu-user-static on the host"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static
      }
      runner=qemu-aarch64-static
      ;;
  esac
  seconds=$(($(date +%s) - t0))
  description=$(file -b "$bin")
  case "$description" in
    *"statically linked"*) ;;
    *) die "$target: not statically linked: $description" ;;
  esac
  echo "    $description"
  step "smoke test of $target${runner:+ under $runner}"
  # shellcheck disable=SC2086 # an empty runner is no word at all
  smoke "$target" $runner "$bin"

  if [ "$deb" = yes ]; then step "archive, signature and Debian package for $target"; else step "archive and signature for $target"; fi
  name=prakat-$version-$target.zip
  stage=$(mktemp -d)
  install -m 0755 "$bin" "$stage/prakat"
  (cd "$stage" && zip -q -X -9 "$out/$name" prakat)
  rm -rf "$stage"
  zipsign sign zip "$out/$name" "$key" >/dev/null
  zipsign verify zip "$out/$name" "$build/release-key.pub" >/dev/null || die "$name: signature does not verify"
  chmod 0644 "$out/$name"
  if [ "$deb" = yes ]; then
    "$here/deb.sh" "$version" "$target" "$bin" "$out" >/dev/null
  fi
  size=$(stat -c %s "$bin")
  zsize=$(stat -c %s "$out/$name")
  verdict=ok
  # 15 MB in decimal, the stricter reading of the limit.
  [ "$size" -le 15000000 ] || verdict="OVER the 15 MB limit"
  report="$report
  $target: binary $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f MB, %.2f MiB", s / 1e6, s / 1048576 }'), $verdict), archive $zsize bytes, built in ${seconds}s"
done

step "SHA256SUMS, manifest.json, install.sh"
cp "$here/install.sh" "$out/install.sh"
assets=""
for zip in "$out"/prakat-"$version"-*.zip; do
  n=$(basename "$zip")
  assets="$assets${assets:+,}
        { \"name\": \"$n\", \"url\": \"$n\" }"
done
cat >"$out/manifest.json" <<EOF
{
  "schema": 1,
  "releases": [
    {
      "version": "$version",
      "date": "$(date -u +%Y-%m-%d)",
      "assets": [$assets
      ]
    }
  ]
}
EOF
(cd "$out" && for f in ./*.zip ./*.deb install.sh manifest.json; do
  [ ! -f "$f" ] || sha256sum -- "${f#./}"
done >SHA256SUMS)

step "release $version done in $out"
# shellcheck disable=SC2012 # shown to a person, not parsed
(cd "$out" && ls -l | sed 's/^/    /')
echo "sizes (limit 15 MB a binary):$report"
exit
}
