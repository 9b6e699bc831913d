#!/usr/bin/env bash
# demo.sh - `make run`: create a demo array under ./demo (once) and serve it.
#
# First run: a pool folder with three sparse volumes (vol0 holds some data),
# a configuration, an `edit` and a `browse` user whose passwords are printed
# once, and (made by arrayd itself on first start) a self-signed certificate
# in demo/state.  Later runs reuse all of it.  Serves HTTPS on
# 127.0.0.1:5989 in the foreground; Ctrl-C stops it cleanly.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
demo=${DEMO_DIR:-$top/demo}
port=${DEMO_PORT:-5989}
arrayd=$top/arrayd
conf=$demo/arrayd.conf

if [ ! -f "$conf" ]; then
	echo "creating the demo array in $demo"
	mkdir -p "$demo/pool0" "$demo/state"
	chmod 700 "$demo/state"
	cat > "$conf" <<CONF
# arrayd demo configuration (made by contrib/demo.sh; see arrayd.conf(5))
[server]
listen = 127.0.0.1
https_port = $port
state_dir = state
max_copy_tasks = 2
chunk_size = 1M

[pool pool0]
path = pool0

[volume vol0]
pool = pool0
path = pool0/vol0.img
size = 256M
id = 101

[volume vol1]
pool = pool0
path = pool0/vol1.img
size = 256M
id = 102

[volume vol2]
pool = pool0
path = pool0/vol2.img
size = 128M
id = 103
CONF
	# Some data in vol0, in a few extents, so copies have something to move.
	truncate -s 256M "$demo/pool0/vol0.img"
	for mib in 0 17 64 200; do
		head -c 4M /dev/urandom | dd of="$demo/pool0/vol0.img" bs=1M \
		    seek="$mib" conv=notrunc status=none
	done
	edit_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-12)
	browse_pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-12)
	printf '%s\n' "$edit_pw" | "$arrayd" passwd -c "$conf" --role edit edit
	printf '%s\n' "$browse_pw" | "$arrayd" passwd -c "$conf" --role browse browse
	cat <<MSG

  Demo users (shown once; change with: $arrayd passwd -c $conf [--role edit] NAME):
    edit   / $edit_pw   (may invoke methods)
    browse / $browse_pw   (read only)

MSG
	pw=$edit_pw
else
	echo "reusing the demo array in $demo (users and passwords as created the first time)"
	pw='<edit password>'
fi

"$arrayd" -t -c "$conf" >/dev/null
cat <<MSG
  Serving https://127.0.0.1:$port/cimom  (certificate: $demo/state/tls.crt)

  Try:
    curl -sS --cacert $demo/state/tls.crt -u 'edit:$pw' \\
      -H 'Content-Type: application/xml; charset="utf-8"' \\
      -H 'CIMOperation: MethodCall' -H 'CIMMethod: EnumerateInstanceNames' \\
      -H 'CIMObject: root/tpd' https://127.0.0.1:$port/cimom --data-binary \\
      '<?xml version="1.0" encoding="utf-8" ?><CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="EnumerateInstanceNames"><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="tpd"/></LOCALNAMESPACEPATH><IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="CIM_StorageVolume"/></IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>'

    wbemcli ei -noverify 'https://edit:$pw@127.0.0.1:$port/root/tpd:CIM_StorageVolume'

    $arrayd status -c $conf        # live status from another terminal

  Ctrl-C stops the daemon.
MSG
exec "$arrayd" -c "$conf"
