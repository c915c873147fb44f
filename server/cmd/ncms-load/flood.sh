#!/usr/bin/env bash
# flood.sh runs ncms-load's flood mode against a fresh ncms-server for each number
# of connections and prints the server's peak RSS: the figures of the README's
# "Public routes". Each run starts its own server, so each peak is that run's.
#
#   server/cmd/ncms-load/flood.sh                     # the server built from this tree
#   SERVER=/tmp/old-ncms-server SIZE=8388608 server/cmd/ncms-load/flood.sh
#
# CONNS (16 48 64), ROUNDS requests per connection (6, one of each shape), SHAPE
# (all), SIZE (4 MiB, the public body limit), MAX_RSS in MB (0: report only),
# PORT (18080) and SERVER_ARGS tune it.
set -euo pipefail
cd "$(dirname "$0")/../../.."
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
server=${SERVER:-}
if [ -z "$server" ]; then
	go build -o "$tmp/ncms-server" ./server/cmd/ncms-server
	server=$tmp/ncms-server
fi
go build -o "$tmp/ncms-load" ./server/cmd/ncms-load
port=${PORT:-18080}
status=0
for c in ${CONNS:-16 48 64}; do
	rm -rf "$tmp/data"
	# shellcheck disable=SC2086 # SERVER_ARGS is a list of flags
	"$server" --addr "127.0.0.1:$port" --db "$tmp/data/ncms.db" --admin-key "$tmp/data/admin.key" \
		--wasm /nonexistent ${SERVER_ARGS:-} >"$tmp/server.out" 2>"$tmp/server.err" &
	pid=$!
	for _ in $(seq 100); do
		curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
		sleep 0.1
	done
	echo "== $c connections: $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ') at the start"
	"$tmp/ncms-load" -mode flood -url "http://127.0.0.1:$port" -shape "${SHAPE:-all}" -size "${SIZE:-4194304}" \
		-c "$c" -n "$((c * ${ROUNDS:-6}))" -pid "$pid" -max-rss "${MAX_RSS:-0}" || status=1
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
done
exit $status
