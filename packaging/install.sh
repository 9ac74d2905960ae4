#!/bin/sh
# Installs Prakat as a systemd service on Debian 12/13 or Raspberry Pi OS (64-bit).
#
#   curl -fsSL https://github.com/prakat-th/prakat/releases/latest/download/install.sh | sudo sh
#   sudo sh install.sh [--file FILE | --url URL] [--no-start] [--root DIR]
#   sudo sh install.sh --uninstall          # remove the program and service, keep the data
#   sudo sh install.sh --uninstall --purge  # also delete the data and the prakat user
#
# The program comes from --file (a prakat binary or a release archive prakat-VERSION-TARGET.zip),
# or --url (an archive or binary; a URL ending in / is a release folder whose manifest.json
# names the archive for this machine), or a binary or archive for this machine beside this script,
# or else the latest release. The machine's architecture (uname -m) picks the archive.
# Running it again upgrades the program in place and changes nothing else.
#
# Layout (the Debian package's is the same, but for /usr/bin/prakat and /usr/lib/systemd):
#   /var/lib/prakat/bin/prakat            the program (its folder is the service's, for self-update)
#   /var/lib/prakat/data                  the data directory
#   /etc/systemd/system/prakat.service    the service
#   /usr/local/bin/prakat                 runs the program as the service user on that data
#
# --root DIR installs into DIR instead of / (tests; nothing is started there).
# --no-firewall leaves the machine's firewall alone (by default an nftables table of Prakat's
# own opens 80 and 443 to all and everything else, SSH included, only to the office LAN).
set -eu
# The whole script is one block, read before it runs (safe to edit, or to pipe from curl).
{

release_base=${PRAKAT_RELEASE_URL:-https://github.com/prakat-th/prakat/releases/latest/download/}
user=prakat
file=""
url=""
root=""
mode=install
purge=no
start=yes
firewall=yes

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --file) file=${2:?--file needs a path}; shift 2 ;;
    --file=*) file=${1#*=}; shift ;;
    --url) url=${2:?--url needs an address}; shift 2 ;;
    --url=*) url=${1#*=}; shift ;;
    --root) root=${2:?--root needs a folder}; shift 2 ;;
    --root=*) root=${1#*=}; shift ;;
    --uninstall) mode=uninstall; shift ;;
    --purge) purge=yes; shift ;;
    --no-start) start=no; shift ;;
    --no-firewall) firewall=no; shift ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" 2>/dev/null; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$purge" = no ] || [ "$mode" = uninstall ] || die "--purge goes with --uninstall"
if [ -n "$root" ]; then
  root=$(cd "$root" && pwd) || die "no folder $root"
  [ "$root" != / ] || root=""
fi

home=/var/lib/prakat
bin_dir=$home/bin
data_dir=$home/data
unit=/etc/systemd/system/prakat.service
wrapper=/usr/local/bin/prakat
fw_unit=/etc/systemd/system/prakat-firewall.service

[ "$(id -u)" = 0 ] || die "run it as root (sudo sh install.sh …)"

# systemd is only driven on the real root of a machine where it runs.
live_systemd=no
if [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  live_systemd=yes
fi
systemctl_root() { # systemctl on DIR's unit files (works without a running systemd)
  command -v systemctl >/dev/null 2>&1 || return 0
  if [ -n "$root" ]; then systemctl --root="$root" "$@"; else systemctl "$@"; fi
}

if [ "$mode" = uninstall ]; then
  if [ "$live_systemd" = yes ]; then
    systemctl disable --now prakat.service 2>/dev/null || true
    # Stopping the firewall unit deletes exactly its own table (inet prakat).
    systemctl disable --now prakat-firewall.service 2>/dev/null || true
  else
    [ ! -f "$root$unit" ] || systemctl_root disable prakat.service >/dev/null 2>&1 || true
    [ ! -f "$root$fw_unit" ] || systemctl_root disable prakat-firewall.service >/dev/null 2>&1 || true
  fi
  rm -f "$root$unit" "$root$wrapper" "$root$fw_unit"
  rm -rf "$root$bin_dir"
  [ "$live_systemd" = no ] || systemctl daemon-reload
  if [ "$purge" = yes ]; then
    rm -rf "$root$home"
    if grep -q "^$user:" "$root/etc/passwd" 2>/dev/null; then
      if [ -n "$root" ]; then userdel --root "$root" "$user"; else userdel "$user"; fi
    fi
    if grep -q "^$user:" "$root/etc/group" 2>/dev/null; then
      if [ -n "$root" ]; then groupdel --root "$root" "$user"; else groupdel "$user"; fi
    fi
    say "Prakat removed, with its data and the $user user."
  else
    say "Prakat removed. The data stays in $home/data (delete it with: sh install.sh --uninstall --purge)."
  fi
  exit 0
fi

# --- which program --------------------------------------------------------------------------
case "$(uname -m)" in
  x86_64 | amd64) target=x86_64-unknown-linux-gnu ;;
  aarch64 | arm64) target=aarch64-unknown-linux-gnu ;;
  armv6l | armv7l | armhf) die "this is a 32-bit ARM system: install the 64-bit Raspberry Pi OS (Prakat needs aarch64)" ;;
  *) die "no Prakat build for $(uname -m) (x86_64 and aarch64 only; Windows is not supported)" ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # fetch URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --proto '=https,http' -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed (apt-get install curl)"
  fi
}

if [ -z "$file" ] && [ -z "$url" ]; then
  # A downloaded copy of this script may sit beside the program or its archive.
  here=""
  case "$0" in *install*.sh) here=$(cd "$(dirname "$0")" 2>/dev/null && pwd || true) ;; esac
  if [ -n "$here" ] && [ -f "$here/prakat" ]; then
    file=$here/prakat
  elif [ -n "$here" ]; then
    for candidate in "$here"/prakat-*-"$target".zip; do
      [ -f "$candidate" ] && file=$candidate
    done
  fi
  [ -n "$file" ] || url=$release_base
fi

if [ -n "$url" ]; then
  case "$url" in
    */)
      say "==> reading ${url}manifest.json"
      fetch "${url}manifest.json" "$work/manifest.json" || die "cannot download ${url}manifest.json"
      # The manifest lists releases newest first; take the first archive for this target.
      asset=$(tr ',{}' '\n\n\n' <"$work/manifest.json" | sed -n 's/^ *"url" *: *"\([^"]*'"$target"'\.zip\)".*/\1/p' | head -n 1)
      [ -n "$asset" ] || die "no archive for $target in ${url}manifest.json"
      case "$asset" in http://* | https://*) ;; *) asset=$url$asset ;; esac
      url=$asset
      ;;
  esac
  name=$(basename "$url")
  say "==> downloading $url"
  fetch "$url" "$work/$name" || die "cannot download $url"
  file=$work/$name
  # Compare with SHA256SUMS when the release folder has one.
  if fetch "$(dirname "$url")/SHA256SUMS" "$work/SHA256SUMS" 2>/dev/null; then
    sum=$(grep " \*\{0,1\}$name\$" "$work/SHA256SUMS" | cut -d' ' -f1 || true)
    if [ -n "$sum" ]; then
      [ "$(sha256sum "$file" | cut -d' ' -f1)" = "$sum" ] || die "$name does not match SHA256SUMS"
      say "    sha256 matches SHA256SUMS"
    fi
  fi
fi

[ -f "$file" ] || die "no such file: $file"
case "$file" in
  *.zip)
    if ! command -v unzip >/dev/null 2>&1; then
      if [ -n "$root" ] || ! command -v apt-get >/dev/null 2>&1; then die "unzip is needed to open $file"; fi
      say "==> installing unzip"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
    fi
    unzip -q -o "$file" prakat -d "$work/unpacked" || die "$file holds no prakat program"
    new=$work/unpacked/prakat
    ;;
  *) new=$file ;;
esac
chmod 0755 "$new"
version=$("$new" --version 2>/dev/null) || die "$file does not run on this machine ($target)"
case "$version" in prakat\ *) ;; *) die "$file is not Prakat (it says: $version)" ;; esac
say "==> installing $version ($target)"

# --- user, folders, program -------------------------------------------------------------------
if ! grep -q "^$user:" "$root/etc/passwd" 2>/dev/null; then
  nologin=/usr/sbin/nologin
  if [ -n "$root" ]; then
    useradd --root "$root" --system --user-group --home-dir "$home" --no-create-home --shell "$nologin" "$user" 2>/dev/null
  else
    useradd --system --user-group --home-dir "$home" --no-create-home --shell "$nologin" "$user"
  fi
  say "    created the system user $user"
fi
uid=$(grep "^$user:" "$root/etc/passwd" | cut -d: -f3)
gid=$(grep "^$user:" "$root/etc/passwd" | cut -d: -f4)

install -d -m 0750 -o "$uid" -g "$gid" "$root$home" "$root$data_dir"
install -d -m 0755 -o "$uid" -g "$gid" "$root$bin_dir"
# Atomic replacement: the path always names a whole program, even while it runs.
install -m 0755 -o "$uid" -g "$gid" "$new" "$root$bin_dir/.prakat.new"
mv -f "$root$bin_dir/.prakat.new" "$root$bin_dir/prakat"

install -d -m 0755 "$root$(dirname "$wrapper")"
# BEGIN write_wrapper (deb.sh reads this function from here, so both write the same command)
write_wrapper() { # write_wrapper FILE USER BIN_DIR DATA_DIR
  cat >"$1.tmp" <<EOF
#!/bin/sh
# Runs Prakat as the service user on the service's data; from root, with the right to bind
# ports 80 and 443 that the service has.
export PRAKAT_DATA="\${PRAKAT_DATA:-$4}"
if [ "\$(id -u)" = 0 ]; then
  exec setpriv --reuid=$2 --regid=$2 --init-groups \\
    --inh-caps=+net_bind_service --ambient-caps=+net_bind_service -- $3/prakat "\$@"
fi
exec $3/prakat "\$@"
EOF
  chmod 0755 "$1.tmp"
  mv -f "$1.tmp" "$1"
}
# END write_wrapper
write_wrapper "$root$wrapper" "$user" "$bin_dir" "$data_dir"

# --- the service ------------------------------------------------------------------------------
install -d -m 0755 "$root$(dirname "$unit")"
# BEGIN prakat.service (a copy of packaging/prakat.service; tests/install.rs keeps them equal)
cat >"$root$unit.tmp" <<'EOF'
# Prakat, the district office website, as a hardened systemd service.
# Installed by packaging/install.sh or the Debian package. Layout:
#   /var/lib/prakat/bin/prakat   the program; its folder is writable by the service so that the
#                                self-updater can keep prakat.previous and prakat.update.json there
#   /var/lib/prakat/data         the data directory (database, files, certificates, logs, backups)
[Unit]
Description=Prakat district office website (ประกาศ)
Documentation=https://github.com/prakat-th/prakat
Wants=network-online.target
After=network-online.target time-sync.target
# A crash loop stops after 5 starts in 2 minutes instead of spinning forever.
StartLimitIntervalSec=120
StartLimitBurst=5

[Service]
Type=simple
User=prakat
Group=prakat
Environment=PRAKAT_DATA=/var/lib/prakat/data
WorkingDirectory=/var/lib/prakat
ExecStart=/var/lib/prakat/bin/prakat serve --http [::]:80 --https [::]:443
# The self-updater exits with 75 (EX_TEMPFAIL) after installing a new program, or after putting
# the previous one back, to be started again on it. 75 must never count as success.
Restart=on-failure
RestartForceExitStatus=75
RestartSec=2
TimeoutStopSec=30
KillMode=mixed

# /var/lib/prakat, owned by the service user; the only place it can write.
StateDirectory=prakat
StateDirectoryMode=0750
UMask=0027

# Ports 80 and 443 without root, and nothing else.
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes

ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
# Up to 10 000 open connections (see web::listener), with room for files and the database.
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
EOF
# END prakat.service
chmod 0644 "$root$unit.tmp"
mv -f "$root$unit.tmp" "$root$unit"

# --- firewall (seed 2.6) ---------------------------------------------------------------------
# One nftables table of Prakat's own: TCP 80 and 443 open to all, everything else (SSH
# included) only from the office LAN of the settings. --no-firewall skips it.
# BEGIN write_firewall_unit (deb.sh reads this function from here, so both ship the same unit)
write_firewall_unit() { # write_firewall_unit FILE BIN_DIR DATA_DIR
  # The ruleset is made from the settings at every start, so it follows staff_networks.
  cat >"$1.tmp" <<UNIT
[Unit]
Description=Prakat firewall (nftables table inet prakat: 80 and 443 open, the rest office LAN only)
Wants=network-pre.target
Before=network-pre.target prakat.service
DefaultDependencies=no
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/bin/sh -c 'umask 022; $2/prakat firewall print --data $3 >/run/prakat-firewall.nft'
ExecStart=/usr/sbin/nft -f /run/prakat-firewall.nft
ExecStop=/usr/sbin/nft delete table inet prakat

[Install]
WantedBy=multi-user.target
UNIT
  chmod 0644 "$1.tmp"
  mv -f "$1.tmp" "$1"
}
# END write_firewall_unit
if [ "$firewall" = yes ]; then
  write_firewall_unit "$root$fw_unit" "$bin_dir" "$data_dir"
  if [ -z "$root" ] && ! command -v nft >/dev/null 2>&1; then
    say "==> nft is not installed: the firewall service is written but off (sudo apt install nftables, then"
    say "    sudo systemctl enable --now prakat-firewall)."
  elif [ "$live_systemd" = yes ]; then
    systemctl daemon-reload
    systemctl enable --now prakat-firewall.service >/dev/null 2>&1 ||
      say "==> the firewall did not start: journalctl -u prakat-firewall -e"
    say "==> firewall on: 80 and 443 open to all, the rest only from the office LAN (nft list table inet prakat)"
  else
    systemctl_root enable prakat-firewall.service >/dev/null 2>&1 || true
  fi
fi

if [ "$live_systemd" = no ]; then
  systemctl_root enable prakat.service >/dev/null 2>&1 || true
  say "==> installed into ${root:-/}; systemd is not running here, so nothing was started."
  say "    Start by hand: sudo prakat serve --http [::]:80 --https [::]:443"
  exit 0
fi

systemctl daemon-reload
systemctl enable prakat.service >/dev/null 2>&1
if [ "$start" = no ]; then
  say "==> installed; start it with: sudo systemctl start prakat"
  exit 0
fi
since=$(date '+%Y-%m-%d %H:%M:%S')
systemctl restart prakat.service
say "==> started the prakat service; waiting for it to be ready"
ready=no
i=0
while [ $i -lt 30 ]; do
  if journalctl -u prakat.service --since "$since" -o cat 2>/dev/null | grep -q '^listening on'; then
    ready=yes
    break
  fi
  sleep 1
  i=$((i + 1))
done
if [ "$ready" = no ]; then
  say "The service did not report ready within 30 s. See: journalctl -u prakat -e"
  exit 1
fi
sleep 1
lan=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v ':' | grep -v '^127\.' | head -n 1 || true)
say ""
say "Prakat is running ($version). Data: $data_dir"
say "เปิดเว็บไซต์ได้ที่ (open the site at):"
say "  https://127.0.0.1/        (this machine)"
[ -z "$lan" ] || say "  https://$lan/        (office LAN)"
link=$(journalctl -u prakat.service --since "$since" -o cat 2>/dev/null | sed -n 's/^setup link: //p' | tail -n 1)
if [ -n "$link" ]; then
  say ""
  say "สร้างบัญชีผู้ดูแลระบบคนแรก (create the first admin; one-time link, valid for one hour):"
  say "  $link"
  # The link names 127.0.0.1; the same path works from any office PC at the LAN address.
  [ -z "$lan" ] || say "  $(printf '%s' "$link" | sed "s#://127\.0\.0\.1\(:443\)\{0,1\}/#://$lan/#")"
  say "The browser warns about the self-signed certificate until a real one is set up (README: HTTPS)."
else
  say "An admin account exists already: log in at https://${lan:-127.0.0.1}/login"
fi
say "Forward TCP ports 80 and 443 from the office router to ${lan:-this machine} to publish the site."
exit
}
