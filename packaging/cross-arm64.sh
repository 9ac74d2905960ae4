#!/bin/sh
# Builds a static aarch64 (Raspberry Pi 3/4/5, 64-bit OS) prakat from a source tree, inside a
# Debian trixie chroot that lives in the build directory: trixie's rustc-web 1.96 with the arm64
# standard library and gcc-aarch64-linux-gnu. The host's own apt sources are never changed.
# Route, timings and pitfalls: ../shared/research/arm64.md.
#
#   packaging/cross-arm64.sh CHROOT [SRC_DIR OUT_FILE]
#
# With only CHROOT it prepares the chroot and stops (idempotent; a marker records each step).
# With SRC_DIR and OUT_FILE it also builds SRC_DIR (cargo profile $PROFILE, default dist; --locked)
# and copies the binary to OUT_FILE; the target dir stays in the chroot (/build/target), so
# rebuilds are warm.
# Environment: MIRROR, SECURITY_MIRROR, PROFILE, PRAKAT_EXTRA_RELEASE_KEY (passed to the build).
set -eu

chroot_dir=${1:?usage: cross-arm64.sh CHROOT [SRC_DIR OUT_FILE]}
src=${2:-}
out=${3:-}
mirror=${MIRROR:-http://deb.debian.org/debian}
security_mirror=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
profile=${PROFILE:-dist}
packages="rustc-web cargo-web libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc libc6-dev make ca-certificates"

[ "$(id -u)" = 0 ] || { echo "cross-arm64.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
mkdir -p "$chroot_dir"
chroot_dir=$(cd "$chroot_dir" && pwd)

need_host() { # need_host COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "==> installing $2 on the host"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2"
}
need_host debootstrap debootstrap
need_host file file

mounted_under() { awk -v d="$chroot_dir/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; }

# Every mount is recorded and undone in reverse order on exit, whatever happens.
mounts=""
cleanup() {
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bind() { # bind SOURCE TARGET [TYPE]
  mkdir -p "$2"
  if [ -n "${3:-}" ]; then mount -t "$3" "$1" "$2"; else mount --bind "$1" "$2"; fi
  mounts="$2 $mounts"
}

if [ ! -f "$chroot_dir/.debootstrap-done" ]; then
  if mounted_under; then
    echo "cross-arm64.sh: something is mounted under $chroot_dir; refusing to remove it" >&2
    exit 1
  fi
  rm -rf --one-file-system "$chroot_dir"
  mkdir -p "$chroot_dir"
  echo "==> debootstrap trixie into $chroot_dir"
  debootstrap --variant=minbase --include=ca-certificates trixie "$chroot_dir" "$mirror" >"$chroot_dir.debootstrap.log" 2>&1 ||
    { tail -20 "$chroot_dir.debootstrap.log" >&2; exit 1; }
  touch "$chroot_dir/.debootstrap-done"
fi

# Extra CAs the host trusts (e.g. a proxy's) and DNS, copied on every run (pitfall P1).
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
for crt in /usr/local/share/ca-certificates/*.crt; do
  [ -f "$crt" ] && cp "$crt" "$chroot_dir/usr/local/share/ca-certificates/"
done

bind proc "$chroot_dir/proc" proc
bind sysfs "$chroot_dir/sys" sysfs
bind /dev "$chroot_dir/dev"
bind /dev/pts "$chroot_dir/dev/pts"

in_chroot() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

stamp="$packages|$mirror|$security_mirror"
if [ "$(cat "$chroot_dir/.packages-done" 2>/dev/null)" != "$stamp" ]; then
  echo "==> installing the cross toolchain in the chroot"
  in_chroot update-ca-certificates >/dev/null
  cat >"$chroot_dir/etc/apt/sources.list" <<EOF
deb $mirror trixie main
deb $mirror trixie-updates main
deb $security_mirror trixie-security main
EOF
  in_chroot dpkg --add-architecture arm64
  in_chroot apt-get update -qq
  # shellcheck disable=SC2086 # the list is meant to split
  in_chroot sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages" >/dev/null
  in_chroot apt-get clean
  printf '%s' "$stamp" >"$chroot_dir/.packages-done"
fi
in_chroot update-ca-certificates >/dev/null

[ -n "$src" ] || { echo "==> chroot ready: $(in_chroot rustc --version)"; exit 0; }

bind "$(cd "$src" && pwd)" "$chroot_dir/build/src"
mkdir -p "$chroot_dir/build/target"
echo "==> cargo build --profile $profile --target aarch64-unknown-linux-gnu (in the chroot, $(in_chroot rustc --version))"
in_chroot \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static" \
  CARGO_TARGET_DIR=/build/target CARGO_TERM_COLOR=never \
  ${PRAKAT_EXTRA_RELEASE_KEY:+PRAKAT_EXTRA_RELEASE_KEY=$PRAKAT_EXTRA_RELEASE_KEY} \
  sh -c "cd /build/src && cargo build --profile $profile --locked --target aarch64-unknown-linux-gnu"
bin="$chroot_dir/build/target/aarch64-unknown-linux-gnu/$profile/prakat"
description=$(file -b "$bin")
case "$description" in
  *"ARM aarch64"*"statically linked"*) ;;
  *) echo "cross-arm64.sh: not a static aarch64 binary: $description" >&2; exit 1 ;;
esac
mkdir -p "$(dirname "$out")"
cp "$bin" "$out"
echo "==> $out: $description"
