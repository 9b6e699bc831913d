#!/usr/bin/env bash
# 150-install: `make install` into a DESTDIR puts every file where the
# variables say, the unit names the installed binary and passes
# `systemd-analyze verify` where that tool exists, and `make uninstall`
# removes what install added.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
cd "$top"
make -s install DESTDIR="$dest" PREFIX=/opt/arrayd SYSCONFDIR=/etc/opt \
	UNITDIR=/usr/lib/systemd/system >/dev/null
for f in /opt/arrayd/sbin/arrayd /opt/arrayd/share/man/man8/arrayd.8 \
	/opt/arrayd/share/man/man5/arrayd.conf.5 \
	/opt/arrayd/share/doc/arrayd/arrayd.conf.example \
	/etc/opt/arrayd/arrayd.conf.example /usr/lib/systemd/system/arrayd.service; do
	[ -f "$dest$f" ] || { echo "missing $f"; exit 1; }
done
[ -x "$dest/opt/arrayd/sbin/arrayd" ] || { echo "binary not executable"; exit 1; }
unit=$dest/usr/lib/systemd/system/arrayd.service
grep -q '^ExecStart=/opt/arrayd/sbin/arrayd -c /etc/opt/arrayd/arrayd.conf$' "$unit" ||
	{ echo "unit does not name the installed binary"; cat "$unit"; exit 1; }
grep -q '^ExecStartPre=/opt/arrayd/sbin/arrayd -t ' "$unit" || { echo "no ExecStartPre check"; exit 1; }
grep -qE '@[A-Z]+@' "$unit" && { echo "unsubstituted @VAR@ in unit"; exit 1; }
# The example configuration is valid as shipped.
"$dest/opt/arrayd/sbin/arrayd" -t -c "$dest/etc/opt/arrayd/arrayd.conf.example" >/dev/null ||
	{ echo "shipped example does not pass arrayd -t"; exit 1; }
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants the binary at the path the unit names: point it there.
	sed "s|/opt/arrayd/sbin/arrayd|$dest/opt/arrayd/sbin/arrayd|g" "$unit" > "$dest/arrayd.service"
	out=$(systemd-analyze verify --man=no "$dest/arrayd.service" 2>&1 || true)
	if printf '%s\n' "$out" | grep -E 'arrayd.service' | grep -viE 'Failed to (create|set up)|Cannot add dependency|not found in|Unit .* not found|executable path is not absolute' ; then
		echo "systemd-analyze verify complains:"; printf '%s\n' "$out"; exit 1
	fi
fi
man -l "$dest/opt/arrayd/share/man/man8/arrayd.8" >/dev/null 2>&1 || true
make -s uninstall DESTDIR="$dest" PREFIX=/opt/arrayd SYSCONFDIR=/etc/opt \
	UNITDIR=/usr/lib/systemd/system >/dev/null
left=$(find "$dest" -type f ! -name arrayd.service -path '*arrayd*' | grep -v "^$dest/arrayd.service$" || true)
[ -z "$left" ] || { echo "uninstall left: $left"; exit 1; }
echo "install: ok"
