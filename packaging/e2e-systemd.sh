#!/bin/sh
# Proof of the service under a real systemd, by hand (not in CI: it boots a container):
#
#   packaging/e2e-systemd.sh packaging/out/OLD packaging/out/NEW [WORK_DIR=/var/tmp/prakat-e2e-systemd]
#
# Makes (once, kept in WORK_DIR) a Debian 12 root with systemd by debootstrap, boots it with
# systemd-nspawn on a private network (loopback only), and inside it:
#   1. installs the OLD release archive with install.sh, which starts the service;
#   2. checks the unit's promises: user prakat, only CAP_NET_BIND_SERVICE, NoNewPrivileges,
#      ports 80 and 443, data in /var/lib/prakat/data;
#   3. serves the NEW release folder over HTTPS (throwaway CA) inside the container's network,
#      logs in as an admin and presses "install" on /admin/update: the server installs, exits
#      with 75, systemd starts it again (RestartForceExitStatus=75) on the NEW program, whose
#      trial start completes;
#   4. presses "roll back": exit 75 again, and systemd starts the OLD program;
#   5. uninstalls with install.sh --uninstall --purge.
# Needs root, debootstrap, systemd-container (systemd-nspawn), openssl, python3, curl.
set -eu

old=$(cd "${1:?usage: e2e-systemd.sh OLD_RELEASE_DIR NEW_RELEASE_DIR [WORK_DIR]}" && pwd)
new=$(cd "${2:?}" && pwd)
work=${3:-/var/tmp/prakat-e2e-systemd}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=packaging/e2e-lib.sh
. "$here/e2e-lib.sh"
target=$(uname -m)-unknown-linux-gnu
old_zip=$(ls "$old"/prakat-*-"$target".zip)
new_version=$(basename "$new")
old_version=$(basename "$old")
root=$work/bookworm
mkdir -p "$work"

say() { printf '\n$ %s\n' "$*"; }
die() { echo "e2e-systemd.sh: $*" >&2; exit 1; }
for tool in debootstrap systemd-nspawn openssl python3 curl; do
  command -v $tool >/dev/null 2>&1 || die "$tool is needed"
done

if [ ! -x "$root/lib/systemd/systemd" ]; then
  say "debootstrap bookworm $root (once)"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,curl,unzip,ca-certificates,passwd,util-linux,procps \
    bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || {
    tail "$work/debootstrap.log"
    die "debootstrap failed"
  }
  echo prakat-e2e >"$root/etc/hostname"
fi

say "systemd-nspawn --boot (private network)"
systemd-nspawn -D "$root" --boot --register=no --keep-unit --private-network --console=passive \
  >"$work/nspawn.log" 2>&1 &
nspawn=$!
https_pid=""
cleanup() {
  [ -z "$https_pid" ] || kill "$https_pid" 2>/dev/null || true
  kill "$nspawn" 2>/dev/null || true
  wait "$nspawn" 2>/dev/null || true
}
trap cleanup EXIT
init=""
i=0
while [ -z "$init" ] && [ $i -lt 100 ]; do
  init=$(pgrep -P "$nspawn" -x systemd || true)
  sleep 0.1
  i=$((i + 1))
done
[ -n "$init" ] || { cat "$work/nspawn.log"; die "the container did not boot"; }
inside() { nsenter -t "$init" -a "$@"; }
i=0
until inside systemctl is-system-running --wait >/dev/null 2>&1; do
  i=$((i + 1))
  [ $i -lt 30 ] || die "systemd in the container is not running: $(inside systemctl is-system-running)"
  sleep 1
done
echo "systemd $(inside systemctl --version | head -n 1 | cut -d' ' -f2) is running in the container"

cp "$here/install.sh" "$old_zip" "$root/root/"
if [ -e "$root/var/lib/prakat" ] || [ -e "$root/etc/systemd/system/prakat.service" ]; then
  say "install.sh --uninstall --purge (left by an earlier run)"
  inside sh /root/install.sh --uninstall --purge
fi

say "install.sh --file $(basename "$old_zip")"
inside sh /root/install.sh --file "/root/$(basename "$old_zip")"

say "the service as systemd runs it"
inside systemctl is-active prakat
pid=$(inside systemctl show -p MainPID --value prakat)
inside sh -c "echo \"user: \$(stat -c %U /proc/$pid)\"; grep -E '^(CapEff|CapAmb|NoNewPrivs)' /proc/$pid/status"
[ "$(inside stat -c %U "/proc/$pid")" = prakat ] || die "not running as prakat"
inside grep -q '^CapEff:.*0000000000000400$' "/proc/$pid/status" || die "capabilities other than CAP_NET_BIND_SERVICE"
inside grep -q '^NoNewPrivs:.*1$' "/proc/$pid/status" || die "NoNewPrivileges is not set"
echo "http://127.0.0.1/: $(inside curl -s -o /dev/null -w '%{http_code} -> %{redirect_url}' http://127.0.0.1/)"
echo "https://127.0.0.1/healthz: $(inside curl -sk https://127.0.0.1/healthz)"

say "the NEW release ($new_version) over HTTPS inside the container's network"
tls=$work/tls
rm -rf "$tls"
make_test_ca "$tls"
cp "$tls/ca.pem" "$root/var/lib/prakat/data/update-ca.pem"
# Only the network namespace is the container's: the host's python serves the host's folder.
serve_https "$new" 8443 "$tls" "$work/https.log" nsenter -t "$init" -n
https_pid=$!
i=0
until inside curl -fsS --cacert /var/lib/prakat/data/update-ca.pem -o /dev/null https://127.0.0.1:8443/manifest.json 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 50 ] || { cat "$work/https.log"; die "the release folder is not served"; }
  sleep 0.1
done
# The feed, and no two-step login for this throwaway admin. A fresh installation has no
# settings file yet (defaults apply); this one names only what differs.
[ ! -e "$root/var/lib/prakat/data/prakat.toml" ] || die "prakat.toml exists already: start from a fresh WORK_DIR"
inside sh -c 'cat >/var/lib/prakat/data/prakat.toml <<EOF
[security]
totp_required_roles = []

[update]
feed = "https://127.0.0.1:8443/manifest.json"
ca_file = "/var/lib/prakat/data/update-ca.pem"
mode = "notify"
EOF
chown prakat:prakat /var/lib/prakat/data/prakat.toml /var/lib/prakat/data/update-ca.pem'
inside systemctl restart prakat
echo 'E2e-systemd-Admin-2569' | inside prakat user add --username e2eadmin --name "ผู้ทดสอบระบบ" --role admin --password-stdin >/dev/null
i=0
until inside curl -fsk -o /dev/null https://127.0.0.1/healthz 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 100 ] || die "the service did not come back"
  sleep 0.1
done

# One HTTPS session inside the container: log in, then press a button of /admin/update.
jar=/root/e2e.cookies
csrf_of() { inside curl -sk -b "$jar" -c "$jar" "https://127.0.0.1$1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
token=$(csrf_of /login)
inside curl -sk -b "$jar" -c "$jar" -o /dev/null -w 'login: %{http_code} -> %{redirect_url}\n' \
  --data-urlencode "csrf=$token" --data-urlencode username=e2eadmin \
  --data-urlencode password=E2e-systemd-Admin-2569 --data-urlencode next=/admin https://127.0.0.1/login
press() { # press BUTTON: POST /admin/update/BUTTON with the page's CSRF token
  token=$(csrf_of /admin/update)
  [ -n "$token" ] || die "no CSRF token on /admin/update (not logged in?)"
  inside curl -sk -b "$jar" -c "$jar" -o /dev/null -w "$1: %{http_code}\n" \
    --data-urlencode "csrf=$token" "https://127.0.0.1/admin/update/$1"
}
wait_for_version() { # wait_for_version V: until /healthz names V (the service restarted on it)
  i=0
  until inside curl -fsk https://127.0.0.1/healthz 2>/dev/null | grep -q "prakat $1\$"; do
    i=$((i + 1))
    [ $i -lt 600 ] || { inside journalctl -u prakat -o cat --no-pager | tail -n 30; die "not restarted on $1"; }
    sleep 0.1
  done
  echo "https://127.0.0.1/healthz: $(inside curl -sk https://127.0.0.1/healthz)"
}

say "/admin/update: install $new_version"
restarts=$(inside systemctl show -p NRestarts --value prakat)
press install
wait_for_version "$new_version"
sleep 2
echo "restarts by systemd: $restarts -> $(inside systemctl show -p NRestarts --value prakat)"
# shellcheck disable=SC2016 # expanded by the shell inside the container
inside sh -c 'echo "marker: $(tr -d " \n" </var/lib/prakat/bin/prakat.update.json)"'
inside ls -l /var/lib/prakat/bin
inside journalctl -b -u prakat -o cat --no-pager | grep -E 'update|exit|75|trial|ready|Started|Main process' | tail -n 12

say "/admin/update: roll back"
token=$(csrf_of /login)
inside curl -sk -b "$jar" -c "$jar" -o /dev/null \
  --data-urlencode "csrf=$token" --data-urlencode username=e2eadmin \
  --data-urlencode password=E2e-systemd-Admin-2569 --data-urlencode next=/admin https://127.0.0.1/login
press rollback
wait_for_version "$old_version"
echo "restarts by systemd: $(inside systemctl show -p NRestarts --value prakat)"
# shellcheck disable=SC2016 # expanded by the shell inside the container
inside sh -c 'echo "marker: $(tr -d " \n" </var/lib/prakat/bin/prakat.update.json)"'

say "install.sh --uninstall --purge"
inside sh /root/install.sh --uninstall --purge
inside sh -c '! systemctl is-active prakat && [ ! -e /var/lib/prakat ] && ! getent passwd prakat' >/dev/null
echo "the service, its program, data and user are gone"
echo
echo "e2e-systemd: OK ($old_version -> $new_version -> $old_version under systemd $(inside systemctl --version | head -n 1 | cut -d' ' -f2))"
