#!/bin/sh
# End-to-end proof of the release chain, by hand (not in CI; it needs two release builds):
#
#   packaging/release.sh 0.1.1 --key K --trust-key --targets x86_64
#   packaging/release.sh 0.1.2 --key K --trust-key --targets x86_64
#   packaging/e2e-update.sh packaging/out/0.1.1 packaging/out/0.1.2
#
# Installs the OLD release's archive with install.sh into a throwaway root, publishes the NEW
# release folder (manifest.json, signed archive) over HTTPS on loopback with a certificate from
# a throwaway CA, points the installed program's [update] settings at it, and runs, as the
# service user: update --check, update, a start of the new program (its trial), --rollback.
set -eu

old=$(cd "${1:?usage: e2e-update.sh OLD_RELEASE_DIR NEW_RELEASE_DIR}" && pwd)
new=$(cd "${2:?}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=packaging/e2e-lib.sh
. "$here/e2e-lib.sh"
target=$(uname -m)-unknown-linux-gnu

work=$(mktemp -d)
chmod 0755 "$work"
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '\n$ %s\n' "$*"; }

say "install.sh --root ROOT --file $(basename "$old"/prakat-*-"$target".zip)"
mkdir -p "$work/root/etc"
cp /etc/passwd /etc/group /etc/shadow /etc/gshadow "$work/root/etc/"
sh "$here/install.sh" --root "$work/root" --file "$(ls "$old"/prakat-*-"$target".zip)"
uid=$(grep '^prakat:' "$work/root/etc/passwd" | cut -d: -f3)
gid=$(grep '^prakat:' "$work/root/etc/passwd" | cut -d: -f4)
bin=$work/root/var/lib/prakat/bin/prakat
data=$work/root/var/lib/prakat/data
prakat() { PRAKAT_LOG=warn setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$bin" --data "$data" "$@"; }

# A throwaway CA, and the new release folder over HTTPS on loopback with its certificate.
tls=$work/tls
make_test_ca "$tls"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve_https "$new" "$port" "$tls" "$work/https.log"
server_pid=$!
feed=https://127.0.0.1:$port/manifest.json
i=0
until curl -fsS --cacert "$tls/ca.pem" -o /dev/null "$feed" 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 50 ] || { cat "$work/https.log"; exit 1; }
  sleep 0.1
done
echo "feed: $feed (manifest of $(basename "$new"), CA $tls/ca.pem)"
cat >"$data/prakat.toml" <<EOF
[update]
feed = "$feed"
ca_file = "$tls/ca.pem"
mode = "notify"
EOF
chown "$uid:$gid" "$data/prakat.toml"

say "prakat --version"
prakat --version
say "prakat update --check"
prakat update --check
say "prakat update"
prakat update
say "prakat --version"
prakat --version
say "ls -l $(dirname "$bin")"
# shellcheck disable=SC2012 # shown to a person, not parsed
ls -l "$(dirname "$bin")" | sed 's/^/  /'
say "prakat serve (the new program's trial start, then stopped)"
prakat serve --http 127.0.0.1:0 >"$work/serve.log" 2>&1 &
serve=$!
i=0
until grep -q '^listening on' "$work/serve.log"; do
  i=$((i + 1))
  [ $i -lt 100 ] || { cat "$work/serve.log"; exit 1; }
  sleep 0.1
done
base=$(sed -n 's/^listening on //p' "$work/serve.log" | head -n 1)
echo "$base/healthz: $(curl -fsS "$base/healthz" | head -c 80)"
sleep 1
kill $serve
wait $serve 2>/dev/null || true
echo "marker: $(tr -d ' \n' <"$bin.update.json")"
say "prakat update --rollback"
prakat update --rollback
say "prakat --version"
prakat --version
