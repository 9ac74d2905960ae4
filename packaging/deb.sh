#!/bin/sh
# Makes the Debian package of one Prakat build (called by release.sh for each target):
#
#   packaging/deb.sh VERSION TARGET BINARY OUT_DIR   ->  OUT_DIR/prakat_VERSION_ARCH.deb
#
# PRAKAT_DEB_COMPRESS picks dpkg-deb's compressor (default xz; the tests use none).
#
# Same layout as install.sh: the service runs /var/lib/prakat/bin/prakat on /var/lib/prakat/data
# as the system user prakat. dpkg owns the pristine copy /usr/lib/prakat/prakat; the maintainer
# script copies it to /var/lib/prakat/bin, where the self-updater may replace it later without
# fighting dpkg (a package upgrade copies the packaged version over it again).
set -eu

version=${1:?usage: deb.sh VERSION TARGET BINARY OUT_DIR}
target=${2:?}
binary=${3:?}
out=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
case "$target" in
  x86_64-*) arch=amd64 ;;
  aarch64-*) arch=arm64 ;;
  *) echo "deb.sh: no Debian architecture for $target" >&2; exit 1 ;;
esac

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$binary" "$root/usr/lib/prakat/prakat"
install -D -m 0644 "$here/prakat.service" "$root/usr/lib/systemd/system/prakat.service"
# The firewall service of install.sh, the same unit from the same function; opt-in for the
# package (sudo systemctl enable --now prakat-firewall).
eval "$(sed -n '/^# BEGIN write_firewall_unit/,/^# END write_firewall_unit/p' "$here/install.sh")"
command -v write_firewall_unit >/dev/null || { echo "deb.sh: no write_firewall_unit in install.sh" >&2; exit 1; }
write_firewall_unit "$root/usr/lib/systemd/system/prakat-firewall.service" /var/lib/prakat/bin /var/lib/prakat/data
install -d -m 0755 "$root/usr/bin" "$root/DEBIAN"
# The same command install.sh writes, from the same function.
eval "$(sed -n '/^# BEGIN write_wrapper/,/^# END write_wrapper/p' "$here/install.sh")"
command -v write_wrapper >/dev/null || { echo "deb.sh: no write_wrapper in install.sh" >&2; exit 1; }
write_wrapper "$root/usr/bin/prakat" prakat /var/lib/prakat/bin /var/lib/prakat/data

cat >"$root/DEBIAN/control" <<EOF
Package: prakat
Version: $version
Architecture: $arch
Maintainer: Prakat maintainers <prakat@localhost>
Section: web
Priority: optional
Installed-Size: $(($(stat -c %s "$binary") / 1024 + 8))
Depends: util-linux
Homepage: https://github.com/prakat-th/prakat
Description: public website and publication workflow for a Thai district office
 Prakat (ประกาศ) serves a Thai district office's public website (the ten
 content areas of the publication rules) and the staff publication-approval
 workflow from one static binary with an embedded SQLite database. It runs
 as the systemd service prakat on ports 80 and 443 and updates itself from
 signed releases.
EOF

cat >"$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd prakat >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/prakat --no-create-home --shell /usr/sbin/nologin prakat
  fi
  install -d -m 0750 -o prakat -g prakat /var/lib/prakat /var/lib/prakat/data
  install -d -m 0755 -o prakat -g prakat /var/lib/prakat/bin
  install -m 0755 -o prakat -g prakat /usr/lib/prakat/prakat /var/lib/prakat/bin/.prakat.new
  mv -f /var/lib/prakat/bin/.prakat.new /var/lib/prakat/bin/prakat
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable prakat.service >/dev/null 2>&1 || true
    systemctl restart prakat.service || true
    echo "Prakat runs as the service prakat. First-admin setup link and addresses:"
    echo "  journalctl -u prakat -o cat | grep -E 'setup link|https://'"
    echo "Firewall (80/443 open, the rest office LAN only), opt-in: sudo systemctl enable --now prakat-firewall"
  else
    systemctl enable prakat.service >/dev/null 2>&1 || true
  fi
fi
EOF

cat >"$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl disable --now prakat.service >/dev/null 2>&1 || true
  systemctl disable --now prakat-firewall.service >/dev/null 2>&1 || true
fi
EOF

cat >"$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
case "$1" in
  remove)
    # The copy the service ran (and the self-updater's files beside it); the data stays.
    rm -rf /var/lib/prakat/bin
    [ ! -d /run/systemd/system ] || systemctl daemon-reload
    ;;
  purge)
    rm -rf /var/lib/prakat
    if getent passwd prakat >/dev/null; then userdel prakat || true; fi
    if getent group prakat >/dev/null; then groupdel prakat || true; fi
    ;;
esac
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

mkdir -p "$out"
deb="$out/prakat_${version}_$arch.deb"
dpkg-deb --root-owner-group -Z"${PRAKAT_DEB_COMPRESS:-xz}" --build "$root" "$deb" >/dev/null
echo "$deb"
