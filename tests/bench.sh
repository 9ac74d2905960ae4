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
# requests per second, p50/p99 latency, idle and peak RSS, and Prakat's item-page rate as a
# percentage of nginx's in the same run, then the p95 time of Thai searches (1, 2, 3 and many
# characters, slips, abbreviations and synonyms, Thai digits; target under 20 ms), and the time
# of a full re-index of the search (target under 60 s). Loopback only.
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

if [ -z "${BIN:-}" ]; then
  PROFILE=${PROFILE:-release}
  cargo build --profile "$PROFILE" --locked --quiet
  BIN=${CARGO_TARGET_DIR:-target}/$PROFILE/prakat
fi
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers must read the static copy
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
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

cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { text/html html; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/static;
  }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK"

run_wrk() { # run_wrk URL NAME [WRK ARGS...] -> prints a line, sets RPS
  local out
  out=$(wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "${@:3}" "$1" 2>&1)
  RPS=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local p50 p99 errors
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | paste -sd';' || true)
  printf '%-28s %10s req/s   p50 %-9s p99 %-9s %s\n' "$2" "$RPS" "$p50" "$p99" "$errors"
}

echo "== wrk: $CONNS connections, ${SECS}s each, $(nproc) cores shared by client and server"
run_wrk "http://127.0.0.1:$PORT/" "prakat /"
run_wrk "http://127.0.0.1:$PORT/c/news/general" "prakat /c/news/general"
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "prakat $ITEM_PATH"
prakat_item=$RPS
# A cookie makes Prakat bypass its page cache: this is the cost of rendering from SQLite.
run_wrk "http://127.0.0.1:$PORT/" "prakat / (uncached)" -H "Cookie: bench=1"
run_wrk "http://127.0.0.1:$PORT/c/news/general?page=3" "prakat category (uncached)" -H "Cookie: bench=1"
run_wrk "http://127.0.0.1:$PORT$ITEM_PATH" "prakat item (uncached)" -H "Cookie: bench=1"
run_wrk "http://127.0.0.1:$NGINX_PORT/item.html" "nginx static item.html"
nginx_item=$RPS

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
  per_query[$i]="${per_query[$i]:-} $t"
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
echo "== summary"
echo "items:                 $ITEMS"
echo "start to ready:        ${ready_ms} ms (includes curl polling)"
echo "idle RSS:              $((idle_rss / 1024)) MB ($idle_rss kB)"
echo "peak RSS:              $((peak_rss / 1024)) MB ($peak_rss kB)"
echo "search p95:            ${search_p95} ms (target < 20 ms)"
echo "full re-index:         ${reindex_s} s (target < 60 s)"
awk -v p="$prakat_item" -v n="$nginx_item" \
  'BEGIN { printf "item page vs nginx:    %.0f%% (%.0f / %.0f req/s)\n", 100*p/n, p, n }'
