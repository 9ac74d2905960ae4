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
install -d -m 0755 "$root/usr/bin" "$root/DEBIAN" "$root/usr/share/doc/prakat" "$root/usr/share/man/man1"
maintainer="Prakat maintainers <prakat-th@users.noreply.github.com>"
# What lintian asks of every package: the copyright file (Prakat's MIT licence and the OFL of
# the Sarabun font embedded in the binary), a changelog, a manual page.
{
  cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: prakat
Source: https://github.com/prakat-th/prakat

Files: *
Copyright: Prakat contributors
License: MIT

Files: assets/fonts/*
Copyright: 2018 The Sarabun Project Authors (https://github.com/cadsondemak/Sarabun), Cadson Demak
Comment: The Sarabun font is embedded in the prakat binary and served to browsers.
License: OFL-1.1

License: MIT
EOF
  sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$here/../LICENSE"
  echo
  echo "License: OFL-1.1"
  sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$here/../assets/fonts/OFL.txt"
} >"$root/usr/share/doc/prakat/copyright"
{
  printf 'prakat (%s) stable; urgency=medium\n\n' "$version"
  printf '  * Release %s. Changes: https://github.com/prakat-th/prakat/releases\n\n' "$version"
  printf ' -- %s  %s\n' "$maintainer" "$(LC_ALL=C date -u -R -d "@${SOURCE_DATE_EPOCH:-$(stat -c %Y "$binary")}")"
} | gzip -9n >"$root/usr/share/doc/prakat/changelog.gz"
gzip -9n <"$here/prakat.1" >"$root/usr/share/man/man1/prakat.1.gz"
# One static binary runs on every Debian and Raspberry Pi OS release without a libc of a given
# version (the self-updater installs the same file); lintian is told so.
install -d -m 0755 "$root/usr/share/lintian/overrides"
cat >"$root/usr/share/lintian/overrides/prakat" <<'EOF'
# One static binary for every Debian and Raspberry Pi OS release; the self-updater replaces it.
prakat: statically-linked-binary [usr/lib/prakat/prakat]
EOF
chmod 0644 "$root/usr/share/doc/prakat/copyright" "$root/usr/share/doc/prakat/changelog.gz" \
  "$root/usr/share/man/man1/prakat.1.gz" "$root/usr/share/lintian/overrides/prakat"
# The same command install.sh writes, from the same function.
eval "$(sed -n '/^# BEGIN write_wrapper/,/^# END write_wrapper/p' "$here/install.sh")"
command -v write_wrapper >/dev/null || { echo "deb.sh: no write_wrapper in install.sh" >&2; exit 1; }
write_wrapper "$root/usr/bin/prakat" prakat /var/lib/prakat/bin /var/lib/prakat/data

cat >"$root/DEBIAN/control" <<EOF
Package: prakat
Version: $version
Architecture: $arch
Maintainer: $maintainer
Section: web
Priority: optional
Installed-Size: $(($(stat -c %s "$binary") / 1024 + 8))
Depends: util-linux (>= 2.33), init-system-helpers (>= 1.54~)
Homepage: https://github.com/prakat-th/prakat
Description: public website and publication workflow for a Thai district office
 Prakat (ประกาศ) serves a Thai district office's public website (the ten
 content areas of the publication rules) and the staff publication-approval
 workflow from one static binary with an embedded SQLite database. It runs
 as the systemd service prakat on ports 80 and 443 and updates itself from
 signed releases.
EOF

# The service is enabled, started and stopped the way debhelper does it (deb-systemd-helper,
# deb-systemd-invoke): nothing is started inside a chroot or where systemd does not run.
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
fi
if [ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-deconfigure ] || [ "$1" = abort-remove ]; then
  deb-systemd-helper unmask prakat.service >/dev/null || true
  # was-enabled is true on a first installation: the service is enabled then.
  if deb-systemd-helper --quiet was-enabled prakat.service; then
    deb-systemd-helper enable prakat.service >/dev/null || true
  else
    deb-systemd-helper update-state prakat.service >/dev/null || true
  fi
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    deb-systemd-invoke restart prakat.service >/dev/null || true
    echo "Prakat runs as the service prakat. First-admin setup link and addresses:"
    echo "  journalctl -u prakat -o cat | grep -E 'setup link|https://'"
    echo "Firewall (80/443 open, the rest office LAN only), opt-in: sudo systemctl enable --now prakat-firewall"
  fi
fi
EOF

cat >"$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  deb-systemd-invoke stop prakat.service prakat-firewall.service >/dev/null || true
fi
EOF

cat >"$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
case "$1" in
  remove)
    # The copy the service ran (and the self-updater's files beside it); the data stays.
    rm -rf /var/lib/prakat/bin
    [ ! -d /run/systemd/system ] || systemctl --system daemon-reload >/dev/null || true
    if command -v deb-systemd-helper >/dev/null; then deb-systemd-helper mask prakat.service >/dev/null || true; fi
    # The firewall is opt-in (enabled by hand); its program is gone, so it is switched off.
    rm -f /etc/systemd/system/multi-user.target.wants/prakat-firewall.service
    ;;
  purge)
    if command -v deb-systemd-helper >/dev/null; then
      deb-systemd-helper purge prakat.service >/dev/null || true
      deb-systemd-helper unmask prakat.service >/dev/null || true
    fi
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
