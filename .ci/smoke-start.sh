#!/usr/bin/env bash
# `npm start` on this machine: the system comes up behind one base URL with health green and the
# topics on the local broker, and SIGINT stops every process it started, the broker included.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
export DATABASE_URL=${SMOKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/contact_tracing_smoke}
export LOCAL_KAFKA_DIR=$(mktemp -d)/kafka
setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -INT -- -"$pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 180); do
  grep -q 'contact tracing is up' "$log" && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "smoke: npm start exited early"; exit 1; fi
  sleep 1
done
grep -q 'contact tracing is up' "$log" || { cat "$log"; echo "smoke: not up after 180 s"; exit 1; }
cat "$log"
health=$(curl -fsS http://127.0.0.1:3000/health)
echo "$health" | grep -q '"status":"ok"' || { echo "smoke: health not ok: $health"; exit 1; }
curl -fsS http://127.0.0.1:3000/docs-json | grep -q '"/cases"' || { echo "smoke: /docs-json lacks /cases"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:3000/cases -H 'content-type: application/json' -d '{}')
[ "$code" = 401 ] || { echo "smoke: POST /cases without a token answered $code, expected 401"; exit 1; }
token=$(node dist/tools/token/token.js --role tracer)
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:3000/cases -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{}')
[ "$code" = 400 ] || { echo "smoke: POST /cases with a bad body answered $code, expected 400"; exit 1; }
topics=$(node dist/tools/kafka/cli.js topics --brokers 127.0.0.1:9092)
echo "$topics" | grep -q '^checkins.v1	6 partitions' || { echo "smoke: topics on 127.0.0.1:9092: $topics"; exit 1; }

kill -INT -- -"$pid"
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
trap - EXIT
if kill -0 "$pid" 2>/dev/null; then echo "smoke: npm start still running 20 s after SIGINT"; exit 1; fi
left=$(pgrep -f "dist/apps/.*/main.js|kafka.Kafka .*${LOCAL_KAFKA_DIR}" || true)
[ -z "$left" ] || { echo "smoke: processes left behind: $left"; ps -fp $left; exit 1; }
echo "smoke: npm start came up, served health/docs/auth, and stopped cleanly"
