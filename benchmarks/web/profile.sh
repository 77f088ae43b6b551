#!/usr/bin/env bash
# Profiles "vacancies for me" under load: `caravan demo` pinned to core 0 (page cache off unless CACHE_MB is given),
# the demo specialist signed in, wrk on core 1 at 64 connections for 20 s, `perf record -g` over 12 s of it, then
# /health for 10 s. Prints the server's CPU per request and wrk's figures; writes bench-results/profile-NAME.{data,wrk,json}.
#   benchmarks/web/profile.sh BINARY NAME [CACHE_MB]      (perf report -i bench-results/profile-NAME.data --children …)
set -euo pipefail
bin=$1; name=$2; cache=${3:-0}
cd "$(dirname "$0")/../.."
for tool in wrk perf taskset curl jq bc; do command -v "$tool" >/dev/null || { echo "$0: $tool is not installed" >&2; exit 1; }; done
mkdir -p bench-results
out=bench-results/profile-$name
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
CARAVAN_MATCH_CACHE_MB=$cache CARAVAN_DATA_DIR=$tmp/data LOG_LEVEL=warning taskset -c 0 "$bin" demo --hostname 127.0.0.1 --port "$port" >"$tmp/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
until curl -sf -o /dev/null "$base/health"; do kill -0 $pid || { tail "$tmp/server.log" >&2; exit 1; }; sleep 1; done
token=$(curl -sf -X POST "$base/api/v1/sessions" -H 'Content-Type: application/json' \
  -d '{"email":"aziz.karimov@demo.caravan.test","password":"caravan-demo-2026"}' | jq -er .token)
headers=(-H "Authorization: Bearer $token" -H 'Accept-Language: ru')
curl -s "${headers[@]}" "$base/api/v1/me/vacancy-matches" >"$out.json"
taskset -c 1 wrk -t2 -c64 -d5s "${headers[@]}" "$base/api/v1/me/vacancy-matches" >/dev/null
ticks() { sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'; }
t0=$(ticks)
taskset -c 1 wrk -t2 -c64 -d20s --latency "${headers[@]}" "$base/api/v1/me/vacancy-matches" >"$out.wrk" &
wrk_pid=$!
sleep 3
perf record -F 999 -g -p $pid -o "$out.data" -- sleep 12 >/dev/null 2>&1
wait $wrk_pid
t1=$(ticks)
requests=$(grep -o '[0-9]* requests in' "$out.wrk" | cut -d' ' -f1)
echo "server_cpu_ms_per_request: $(echo "scale=3; ($t1 - $t0) * 1000 / $(getconf CLK_TCK) / $requests" | bc)"
grep -E "Requests/sec|50%|99%|Socket errors" "$out.wrk"
echo "/health:"; taskset -c 1 wrk -t2 -c64 -d10s --latency "$base/health" | grep -E "Requests/sec|99%"
