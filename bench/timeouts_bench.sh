#!/usr/bin/env bash
# timeouts_bench: the wall time of `socketscope-cli timeouts` on a 3-hop chain with 60 s cutoffs,
# on 127.0.0.1, next to the theoretical minimum (issue 13: "the whole map of a 3-hop chain with
# 60 s cutoffs done in under 3 minutes"). Real nginx and HAProxy, `socketscope-cli serve` as the
# backend and the relay written for the tests (tests/timeouts/relay.py) as a silent-dropping LB:
#
#   chain:  client → HAProxy (timeout tunnel 60s) → nginx (proxy_read_timeout 60s)
#                  → relay (stops forwarding after 60 s idle, never closes) → serve
#   hops:   haproxy, nginx, silent-relay (each hop's own URL), --max 900 --resolution 1
#
# Every hop cuts at 60 s; the innermost, the silent drop, cuts first: the worst case (a silent
# drop is found only by a ping that never returns, and is bisected). The floor for any method: an
# idle socket must stay idle for the cutoff, and the silent drop's unanswered ping needs its pong
# deadline (--timeout, 3 s) on top.
#
# A second case repeats the measurement of docs/timeouts.md (before this bench): HAProxy (timeout
# tunnel 120s) → nginx (60s) → serve, a silent relay at 60 s, and the direct backend, --max 90 —
# there the backend never cuts, so the floor is --max (its ping after 90 s idle comes back at once).
#
#   bench/timeouts_bench.sh [BUILD_DIR (default build/ci)]       CUT=60 overrides the cutoff
#
# Prints a Markdown table for bench/RESULTS.md and each map's first cut (to check it is right).
set -euo pipefail

build=${1:-build/ci}
cut=${CUT:-60}
cli="$PWD/$build/app/socketscope-cli"
relay="$PWD/tests/timeouts/relay.py"
[ -x "$cli" ] || { echo "missing $cli: build socketscope-cli in $build first" >&2; exit 2; }
for prog in /usr/sbin/nginx /usr/sbin/haproxy /usr/bin/python3; do
  [ -x "$prog" ] || { echo "missing $prog" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/timeouts_bench-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$tmp/nginx/logs/nginx.pid" ] && kill "$(cat "$tmp/nginx/logs/nginx.pid")" 2>/dev/null || true
  sleep 0.3
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2
  exit 2
}

serve=$(free_port); relayp=$(free_port); nginxp=$(free_port); haproxyp=$(free_port)
nginx2=$(free_port); haproxy2=$(free_port); relay2=$(free_port)

"$cli" serve --listen "127.0.0.1:$serve" --heartbeat 5 > "$tmp/serve.log" 2>&1 &
pids+=($!)
wait_port "$serve"
/usr/bin/python3 "$relay" silent "$cut" "$relayp" "$serve" > "$tmp/relay.log" 2>&1 &
pids+=($!)
/usr/bin/python3 "$relay" silent "$cut" "$relay2" "$serve" > "$tmp/relay2.log" 2>&1 &
pids+=($!)

mkdir -p "$tmp/nginx/logs" "$tmp/nginx/temp"
location() { # $1 = upstream port
  printf '        location / { proxy_pass http://127.0.0.1:%s; proxy_http_version 1.1;\n' "$1"
  printf '            proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";\n'
  printf '            proxy_read_timeout %ss; }\n' "$cut"
}
{
  echo "worker_processes 1; pid $tmp/nginx/logs/nginx.pid; error_log $tmp/nginx/logs/error.log info;"
  echo "events { worker_connections 4096; }"
  echo "http { access_log off; client_body_temp_path $tmp/nginx/temp/cb; proxy_temp_path $tmp/nginx/temp/p;"
  echo "  fastcgi_temp_path $tmp/nginx/temp/f; uwsgi_temp_path $tmp/nginx/temp/u; scgi_temp_path $tmp/nginx/temp/s;"
  echo "  server { listen 127.0.0.1:$nginxp;"; location "$relayp"; echo "  }"
  echo "  server { listen 127.0.0.1:$nginx2;"; location "$serve"; echo "  }"
  echo "}"
} > "$tmp/nginx/nginx.conf"
/usr/sbin/nginx -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf"
wait_port "$nginxp"

haproxy_cfg() { # $1 = listen port, $2 = nginx port, $3 = tunnel seconds
  printf 'global\n    maxconn 4096\ndefaults\n    mode http\n    timeout connect 2s\n    timeout client 300s\n'
  printf '    timeout server 300s\n    timeout tunnel %ss\nfrontend fe\n    bind 127.0.0.1:%s\n' "$3" "$1"
  printf '    default_backend be\nbackend be\n    server nginx 127.0.0.1:%s\n' "$2"
}
haproxy_cfg "$haproxyp" "$nginxp" "$cut" > "$tmp/haproxy1.cfg"
haproxy_cfg "$haproxy2" "$nginx2" $((cut * 2)) > "$tmp/haproxy2.cfg"
for n in 1 2; do
  /usr/sbin/haproxy -W -db -f "$tmp/haproxy$n.cfg" > "$tmp/haproxy$n.log" 2>&1 &
  pids+=($!)
done
wait_port "$haproxyp"
wait_port "$haproxy2"

# One map: prints "wall_s first_cut_hop after_s kind".
run_map() {
  local start end
  start=$(date +%s.%N)
  "$cli" timeouts "$@" --json > "$tmp/map.json" || true
  end=$(date +%s.%N)
  /usr/bin/python3 - "$start" "$end" "$tmp/map.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[3]))
fc = m.get("first_cut") or {}
print("%.1f %s %.2f %s" % (float(sys.argv[2]) - float(sys.argv[1]), fc.get("hop"), fc.get("after_s") or 0, fc.get("kind")))
for h in m["hops"]:
    print("  %-13s idle=%s lifetime=%s death=%s" % (h["name"], h["idle_cutoff_s"], h["lifetime_cap_s"], h["death"]), file=sys.stderr)
for k in m["keepalive"]:
    print("  keepalive %-12s survived=%s" % (k["traffic"], k["survived"]), file=sys.stderr)
EOF
}

ws() { echo "ws://127.0.0.1:$1/ws/echo"; }
read -r wall1 hop1 after1 kind1 < <(run_map --hop "haproxy=$(ws "$haproxyp")" --hop "nginx=$(ws "$nginxp")" \
  --hop "silent-relay=$(ws "$relayp")" --max 900 --resolution 1 --server-data-path /ws/health)
read -r wall2 hop2 after2 kind2 < <(run_map --hop "haproxy=$(ws "$haproxy2")" --hop "nginx=$(ws "$nginx2")" \
  --hop "silent-relay=$(ws "$relay2")" --hop "backend=$(ws "$serve")" --max 90 --resolution 1 \
  --server-data-path /ws/health)

echo
echo "| case | hops | first cut | wall time | theoretical minimum | ratio |"
echo "|---|---|---|---|---|---|"
awk -v w="$wall1" -v c="$cut" -v h="$hop1" -v a="$after1" -v k="$kind1" 'BEGIN {
  printf "| 3-hop chain, every hop %d s, innermost a silent drop, --max 900 | 3 | %s %s s (%s) | %.1f s | %d s (the cutoff; + 3 s pong deadline = %d s) | %.2f× |\n", c, h, a, k, w, c, c + 3, w / c }'
awk -v w="$wall2" -v c="$cut" -v h="$hop2" -v a="$after2" -v k="$kind2" 'BEGIN {
  printf "| HAProxy → nginx %d s, silent relay %d s, direct backend, --max 90 | 4 | %s %s s (%s) | %.1f s | 90 s (--max: the backend never cuts) | %.2f× |\n", c, c, h, a, k, w, w / 90 }'
