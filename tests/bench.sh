#!/usr/bin/env bash
# Benchmark: Prakat with N items against nginx serving a saved copy of the same item page.
#
#   tests/bench.sh [ITEMS=10000] [SECONDS=15] [CONNECTIONS=50]
#
# PROFILE=dist tests/bench.sh ... builds that profile instead of release; BIN=path/to/prakat
# tests/bench.sh ... measures a binary already built (e.g. the static one packaging/release.sh
# makes).
# Builds the release binary, fills a temporary data directory with the demo content plus
# generated items, and runs wrk against the home page, a category page and an item page. Prints
# requests per second, p50/p99 latency and bytes per response, with and without
# `Accept-Encoding: gzip, br`, against nginx (Debian defaults: `gzip on`) serving saved copies of
# the same home and item pages; idle and peak RSS, and how long RSS takes to come back to idle
# after the load; the p95 time of Thai searches (1, 2, 3 and many characters; target under
# 20 ms); then a Raspberry-Pi-sized run: the same item page on one core with a 256 MB memory
# limit (cgroup v2, else cgroup v1, else prlimit; the line says which). Loopback only.
# The search lines include slips, abbreviations, synonyms and Thai digits, and a full
# re-index of the search is timed (target under 60 s).
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${1:-10000}
SECS=${2:-15}
CONNS=${3:-50}
PORT=18080
NGINX_PORT=18081

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# PRAKAT_BENCH_BIN=path (or BIN=path) benchmarks a binary built elsewhere (e.g. the static `dist`
# binary that packaging/release.sh ships); otherwise PROFILE (default release) is built here.
BIN=${PRAKAT_BENCH_BIN:-${BIN:-}}
if [ -z "$BIN" ]; then
  PROFILE=${PROFILE:-release}
  cargo build --profile "$PROFILE" --locked --quiet
  BIN=${CARGO_TARGET_DIR:-target}/$PROFILE/prakat
fi
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers must read the static copy
cleanup() {
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "${PI_CG:-}" ]; then rmdir "$PI_CG" 2>/dev/null || true; fi
  if [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== generating $ITEMS items"
/usr/bin/time -f "   generated in %e s" "$BIN" demo --items "$ITEMS" --data "$WORK/data" >/dev/null

# Searches are rate-limited per address: the search benchmark names a different client per
# request through X-Forwarded-For, believed only from loopback here.
sed -i 's|^trusted_proxies = \[\]|trusted_proxies = ["127.0.0.1/32"]|' "$WORK/data/prakat.toml"
grep -q '^trusted_proxies = \["127' "$WORK/data/prakat.toml"

start_ns=$(date +%s%N)
PRAKAT_LOG=warn "$BIN" serve --data "$WORK/data" --http "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.01; done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sleep 1
idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")

ITEM_PATH=$(curl -fsS "http://127.0.0.1:$PORT/c/news/general" | grep -o 'href="/items/[0-9]*"' | head -1 | cut -d'"' -f2)
mkdir -p "$WORK/static"
curl -fsS "http://127.0.0.1:$PORT$ITEM_PATH" >"$WORK/static/item.html"
curl -fsS "http://127.0.0.1:$PORT/" >"$WORK/static/index.html"
chmod 644 "$WORK/static/"*

# As in Debian's /etc/nginx/nginx.conf: sendfile, tcp_nopush, an access log line per request
# (Prakat keeps its own, legally required, traffic log too), gzip on at level 1 for text/html.
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 768; }
http {
  sendfile on;
  tcp_nopush on;
  access_log $WORK/nginx-access.log;
  types { text/html html; }
  gzip on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/static;
  }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"

AE="Accept-Encoding: gzip, br"
WRK=(wrk)
run_wrk() { # run_wrk URL NAME [WRK ARGS...] -> prints a line, sets RPS and BYTES
  local out curl_headers=()
  out=$("${WRK[@]}" -t2 -c"$CONNS" -d"${SECS}s" --latency "${@:3}" "$1" 2>&1)
  RPS=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local p50 p99 errors
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | paste -sd';' || true)
  # Body bytes of one response, as sent (compressed or not), with the same request headers.
  local a
  for a in "${@:3}"; do [ "$a" = -H ] || curl_headers+=(-H "$a"); done
  BYTES=$(curl -sS -o /dev/null -w '%{size_download}' "${curl_headers[@]}" "$1")
  printf '%-34s %10s req/s %7s B   p50 %-9s p99 %-9s %s\n' "$2" "$RPS" "$BYTES" "$p50" "$p99" "$errors"
}

echo "== wrk: $CONNS connections, ${SECS}s each, $(nproc) cores shared by client and server"
echo "   (gz = with \"$AE\"; B = body bytes of one response)"
# A freshly started server is slower for its first seconds (measured: 3.7k then 15k req/s on one
# core): warm it up first, unmeasured.
wrk -t2 -c"$CONNS" -d3s "http://127.0.0.1:$PORT$ITEM_PATH" >/dev/null 2>&1
run_wrk "http://127.0.0.1:$PORT/" "prakat /"
prakat_home=$RPS prakat_home_bytes=$BYTES
run_wrk "http://127.0.0.1:$PORT/" "prakat / gz" -H "$AE"
prakat_home_gz=$RPS prakat_home_gz_bytes=$BYTES
run_wrk "http://127.0.0.1:$NGINX_PORT/index.html" "nginx static index.html"
nginx_home=$RPS nginx_home_bytes=$BYTES
run_wrk "http://127.0.0.1:$NGINX_PORT/index.html" "nginx static index.html gz" -H "$AE"
nginx_home_gz=$RPS nginx_home_gz_bytes=$BYTES
run_wrk "http://127.0.0.1:$PORT/c/news/general" "prakat /c/news/general"
run_wrk "http://127.0.0.1:$PORT/c/news/general" "prakat /c/news/general gz" -H "$AE"
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "prakat $ITEM_PATH"
prakat_item=$RPS prakat_item_bytes=$BYTES
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "prakat $ITEM_PATH gz" -H "$AE"
prakat_item_gz=$RPS prakat_item_gz_bytes=$BYTES
run_wrk "http://127.0.0.1:$NGINX_PORT/item.html" "nginx static item.html"
nginx_item=$RPS nginx_item_bytes=$BYTES
run_wrk "http://127.0.0.1:$NGINX_PORT/item.html" "nginx static item.html gz" -H "$AE"
nginx_item_gz=$RPS nginx_item_gz_bytes=$BYTES
# A cookie makes Prakat bypass its page cache: this is the cost of rendering from SQLite.
run_wrk "http://127.0.0.1:$PORT/" "prakat / (uncached)" -H "Cookie: bench=1"
run_wrk "http://127.0.0.1:$PORT/" "prakat / (uncached) gz" -H "Cookie: bench=1" -H "$AE"
run_wrk "http://127.0.0.1:$PORT/c/news/general?page=3" "prakat category (uncached)" -H "Cookie: bench=1"
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "prakat item (uncached)" -H "Cookie: bench=1"
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "prakat item (uncached) gz" -H "Cookie: bench=1" -H "$AE"

# Search: sequential requests, each timed by curl; p95 over all of them. Queries of 1, 2, 3
# and many characters, slips (วักซีน, ไข้เลือดอก, เเ for แ), abbreviations and synonyms
# (รพ.สต., อสม, ITA), a word too many, Thai digits and mixed scripts.
search_queries=(ข ยา รพ ปี จัดซื้อ ประจำปีงบประมาณ "แผนปฏิบัติการ ประจำปี" โรงพยาบาล วัคซีน "จัดซื้อ ยา"
  วักซีน ไข้เลือดอก ใบรับรองเเพทย์ รพ.สต. อสม ITA ผลประเมินความพึงพอใจ ๒๕๖๙ ฝุ่นPM2.5 "พรบ ข้อมูลข่าวสาร")
search_times=()
per_query=()
for n in $(seq 1 400); do
  i=$((n % ${#search_queries[@]}))
  q=${search_queries[$i]}
  t=$(curl -fsS -o /dev/null -w '%{time_total}' -G --data-urlencode "q=$q" \
    -H "X-Forwarded-For: 10.9.$((n / 250)).$((n % 250 + 1))" "http://127.0.0.1:$PORT/search")
  search_times+=("$t")
  per_query[i]="${per_query[i]:-} $t"
done
for i in "${!search_queries[@]}"; do
  # shellcheck disable=SC2086 # one time a word
  printf '%s\n' ${per_query[$i]} | sort -g | awk -v q="${search_queries[$i]}" \
    '{a[NR]=$1} END {printf "   search p50 %5.1f ms  max %5.1f ms  \"%s\"\n", 1000*a[int((NR+1)/2)], 1000*a[NR], q}'
done
search_p95=$(printf '%s\n' "${search_times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.1f", 1000*a[int(NR*0.95)]}')
search_p50=$(printf '%s\n' "${search_times[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.1f", 1000*a[int(NR*0.5)]}')
printf '%-28s %10s          p50 %-9s p95 %-9s (target p95 < 20 ms)\n' "prakat /search (Thai)" \
  "${#search_times[@]} req" "${search_p50}ms" "${search_p95}ms"

peak_rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")

# A full re-index of the search while the server runs (it makes the index from every item).
reindex_s=$(/usr/bin/time -f "%e" "$BIN" reindex --data "$WORK/data" 2>&1 >/dev/null | tail -1)
# Back to idle: RSS every 5 s for a minute after the load.
rss_after=() back_at=""
for t in $(seq 5 5 60); do
  sleep 5
  r=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
  rss_after+=("${t}s:$((r / 1024))MB")
  [ -z "$back_at" ] && [ "$r" -le $((15 * 1024)) ] && back_at=$t
done
after_rss=$r
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

# The Raspberry-Pi-sized run: the server on one core (taskset) with a 256 MB memory limit, wrk
# on the other core.
pi_limit="none"
PI_CG=""
if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
  PI_CG=/sys/fs/cgroup/prakat-bench-$$
  mkdir -p "$PI_CG" 2>/dev/null && echo 256M >"$PI_CG/memory.max" 2>/dev/null && pi_limit="cgroup v2 memory.max=256M" || PI_CG=""
fi
if [ -z "$PI_CG" ] && [ -d /sys/fs/cgroup/memory ]; then
  own=$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
  PI_CG=/sys/fs/cgroup/memory${own%/}/prakat-bench-$$
  mkdir -p "$PI_CG" 2>/dev/null && echo $((256 << 20)) >"$PI_CG/memory.limit_in_bytes" 2>/dev/null &&
    pi_limit="cgroup v1 memory.limit_in_bytes=256M" || PI_CG=""
fi
pi_start=(taskset -c 0 "$BIN" serve --data "$WORK/data" --http "127.0.0.1:$PORT")
if [ -n "$PI_CG" ]; then
  # The shell joins the cgroup, then becomes the server.
  PRAKAT_LOG=warn sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$PI_CG" "${pi_start[@]}" \
    >>"$WORK/server.log" 2>&1 &
else
  pi_limit="prlimit --as=256M (no writable cgroup here: limits address space, not RSS)"
  PRAKAT_LOG=warn prlimit --as=$((256 << 20)) "${pi_start[@]}" >>"$WORK/server.log" 2>&1 &
fi
SERVER_PID=$!
until curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
echo "== Raspberry-Pi-sized: server on 1 core (taskset -c 0), memory limit: $pi_limit; wrk on core 1"
WRK=(taskset -c 1 wrk)
"${WRK[@]}" -t2 -c"$CONNS" -d3s "http://127.0.0.1:$PORT$ITEM_PATH" >/dev/null 2>&1
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "pi: prakat $ITEM_PATH"
pi_item=$RPS
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "pi: prakat $ITEM_PATH gz" -H "$AE"
pi_item_gz=$RPS
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "pi: prakat item (uncached) gz" -H "Cookie: bench=1" -H "$AE"
run_wrk "http://127.0.0.1:$PORT/c/news/general?page=3" "pi: prakat category (uncached)" -H "Cookie: bench=1"
pi_peak=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
if [ -n "$PI_CG" ]; then rmdir "$PI_CG" 2>/dev/null || true; fi

echo "== summary"
echo "items:                 $ITEMS"
echo "start to ready:        ${ready_ms} ms (includes curl polling)"
echo "idle RSS:              $((idle_rss / 1024)) MB ($idle_rss kB)"
echo "peak RSS:              $((peak_rss / 1024)) MB ($peak_rss kB)"
echo "search p95:            ${search_p95} ms (target < 20 ms)"
echo "full re-index:         ${reindex_s} s (target < 60 s)"
awk -v p="$prakat_item" -v n="$nginx_item" \
  'BEGIN { printf "item page vs nginx:    %.0f%% (%.0f / %.0f req/s)\n", 100*p/n, p, n }'
echo "RSS after the load:    ${rss_after[*]}"
echo "idle RSS after run:    $((after_rss / 1024)) MB ($after_rss kB; back to <= 15 MB after ${back_at:-more than 60} s)"
ratio() { # ratio LABEL PRAKAT NGINX PRAKAT_BYTES NGINX_BYTES
  awk -v l="$1" -v p="$2" -v n="$3" -v pb="$4" -v nb="$5" \
    'BEGIN { printf "%-22s %4.0f%% of nginx req/s (%.0f / %.0f), bytes %s vs %s\n", l, 100*p/n, p, n, pb, nb }'
}
ratio "item page:" "$prakat_item" "$nginx_item" "$prakat_item_bytes" "$nginx_item_bytes"
ratio "item page, gzip/br:" "$prakat_item_gz" "$nginx_item_gz" "$prakat_item_gz_bytes" "$nginx_item_gz_bytes"
ratio "home page:" "$prakat_home" "$nginx_home" "$prakat_home_bytes" "$nginx_home_bytes"
ratio "home page, gzip/br:" "$prakat_home_gz" "$nginx_home_gz" "$prakat_home_gz_bytes" "$nginx_home_gz_bytes"
echo "pi-sized item page:    $pi_item req/s, gzip/br $pi_item_gz req/s; peak RSS $((pi_peak / 1024)) MB ($pi_limit)"
