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

# A throwaway CA and a certificate for 127.0.0.1 it signs.
tls=$work/tls
mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Prakat e2e test CA" \
  -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$tls/key.pem" -out "$tls/req.pem" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$tls/ext"
openssl x509 -req -in "$tls/req.pem" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 1 \
  -extfile "$tls/ext" -out "$tls/cert.pem" 2>/dev/null
chmod 0644 "$tls/ca.pem"

# The new release folder over HTTPS on loopback.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$new" "$port" "$tls" >"$work/https.log" 2>&1 <<'EOF' &
import functools, http.server, ssl, sys
folder, port, tls = sys.argv[1], int(sys.argv[2]), sys.argv[3]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(f"{tls}/cert.pem", f"{tls}/key.pem")
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
EOF
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
