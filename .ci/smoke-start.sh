#!/usr/bin/env bash
# `npm start` on this machine: the system comes up behind one base URL with health green and the
# topics on the local broker; the edge refuses proxy probes; each child killed (a service, the edge,
# the broker) is restarted by the supervisor; SIGINT stops every process it started, the broker included.
# SMOKE_PORT / SMOKE_KAFKA_PORT move it off 3000-3005 / 9092-9093 (e.g. while another npm start runs).
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
port=${SMOKE_PORT:-3000}
kport=${SMOKE_KAFKA_PORT:-9092}
base=http://127.0.0.1:$port
export PORT=$port LOCAL_KAFKA_PORT=$kport LOCAL_KAFKA_CONTROLLER_PORT=$((kport + 1))
export DATABASE_URL=${SMOKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/contact_tracing_smoke}
export LOCAL_KAFKA_DIR=$(mktemp -d)/kafka
export LOCAL_LOG_DIR=$(mktemp -d)
setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -INT -- -"$pid" 2>/dev/null || true; }
trap cleanup EXIT
fail() { cat "$log"; echo "smoke: $*"; exit 1; }
# Alive and not a zombie (an exited child nobody reaped yet is no process left behind).
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }
for _ in $(seq 1 240); do
  grep -q 'contact tracing is up' "$log" && break
  kill -0 "$pid" 2>/dev/null || fail "npm start exited early"
  sleep 1
done
grep -q 'contact tracing is up' "$log" || fail "not up after 240 s"
health=$(curl -fsS "$base/health") || fail "no health"
echo "$health" | grep -q '"status":"ok"' || fail "health not ok: $health"
curl -fsS "$base/docs-json" | grep -q '"/cases"' || fail "/docs-json lacks /cases"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/cases" -H 'content-type: application/json' -d '{}')
[ "$code" = 401 ] || fail "POST /cases without a token answered $code, expected 401"
token=$(node dist/tools/token/token.js --role tracer)
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/cases" -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{}')
[ "$code" = 400 ] || fail "POST /cases with a bad body answered $code, expected 400"
topics=$(node dist/tools/kafka/cli.js topics --brokers "127.0.0.1:$kport")
echo "$topics" | grep -q '^checkins.v1	6 partitions' || fail "topics on 127.0.0.1:$kport: $topics"

# The edge is no open proxy, and a dot segment cannot take it down.
for probe in "http://127.0.0.1:$((port + 2))/health" "//127.0.0.1:$((port + 2))/health" /docs/.. /docs/../package.json '/cases/%2e%2e/health'; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is --request-target "$probe" "$base/")
  [ "$code" = 400 ] || fail "edge answered $code to the request target $probe, expected 400"
done
curl -fsS "$base/docs-json" >/dev/null || fail "edge down after the probes"

# Kill each child: the supervisor says which and how, brings it back, and the system answers again.
sup=$(pgrep -s "$pid" -f '^node .*dist/tools/start/start.js' | head -1)
[ -n "$sup" ] || fail "supervisor process not found"
killed() { # name pattern signal
  local victim
  victim=$(pgrep -P "$sup" -f "$2" | head -1)
  [ -n "$victim" ] || fail "no $1 process under the supervisor"
  kill -"$3" "$victim"
  for _ in $(seq 1 120); do grep -q "supervisor: $1 is running again" "$log" && break; sleep 1; done
  grep -q "supervisor: $1 was killed by SIG$3 unexpectedly; restarting it" "$log" || fail "no restart line for $1"
  grep -q "supervisor: $1 is running again" "$log" || fail "$1 not restarted within 120 s"
  running "$victim" && fail "$1 (pid $victim) still alive after SIG$3"
  echo "smoke: $1 killed by SIG$3 and restarted"
}
killed tracing 'dist/apps/tracing/src/main.js' KILL
killed edge 'dist/tools/start/edge-main.js' KILL
killed 'kafka broker' 'kafka.Kafka' KILL
for _ in $(seq 1 60); do curl -fsS "$base/health" 2>/dev/null | grep -q '"status":"ok"' && break; sleep 1; done
curl -fsS "$base/health" | grep -q '"status":"ok"' || fail "health not ok after the restarts"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/cases" -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{}')
[ "$code" = 400 ] || fail "POST /cases after the restarts answered $code, expected 400"
children=$(pgrep -P "$sup" | tr '\n' ' ')

kill -INT -- -"$pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
trap - EXIT
cat "$log"
if kill -0 "$pid" 2>/dev/null; then echo "smoke: npm start still running 30 s after SIGINT"; exit 1; fi
left=""
for c in $children; do running "$c" && left="$left $c"; done
left="$left $(pgrep -f "kafka.Kafka .*${LOCAL_KAFKA_DIR}" || true)"
[ -z "${left// /}" ] || { echo "smoke: processes left behind:$left"; ps -fp $left; exit 1; }
echo "smoke: npm start came up, served health/docs/auth, refused proxy probes, restarted killed children and stopped cleanly"

# Even a supervisor killed outright (SIGKILL: no handler runs) leaves nothing behind: the services
# and the edge see their IPC channel close, and the broker's watchdog stops the broker.
log2=$(mktemp)
setsid node dist/tools/start/start.js >"$log2" 2>&1 &
pid=$!
trap cleanup EXIT
for _ in $(seq 1 180); do
  grep -q 'contact tracing is up' "$log2" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log2"; echo "smoke: second start exited early"; exit 1; }
  sleep 1
done
grep -q 'contact tracing is up' "$log2" || { cat "$log2"; echo "smoke: second start not up after 180 s"; exit 1; }
children="$(pgrep -P "$pid" | tr '\n' ' ')"
[ -n "${children// /}" ] || { echo "smoke: no children under the second start"; exit 1; }
kill -KILL "$pid"
trap - EXIT
for _ in $(seq 1 60); do
  left=""
  for c in $children; do running "$c" && left="$left $c"; done
  [ -z "${left// /}" ] && break
  sleep 0.5
done
[ -z "${left// /}" ] || { cat "$log2"; echo "smoke: processes left 30 s after SIGKILL of the supervisor:$left"; ps -fp $left; exit 1; }
echo "smoke: SIGKILL of the supervisor left no process behind ($(echo $children | wc -w) children stopped themselves)"
