#!/usr/bin/env bash
# Start the action server and Rasa together; Ctrl-C (or SIGTERM) stops both, no orphan.
#   scripts/run.sh          REST + Socket.IO server on 127.0.0.1:${RASA_PORT:-5005},
#                           chat widget page on http://localhost:${WEB_PORT:-8080}/
#   make shell              the support team's terminal chat (support/shell.py)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_HOST=${RASA_HOST:-127.0.0.1}
# Website chat widget (web/, serving/web_server.py); its origin is the one Rasa allows (--cors).
WEB_PORT=${WEB_PORT:-8080}
# rasa-sdk 3.6 has no --host option: it binds to $SANIC_HOST (its default is 0.0.0.0, every
# interface). Only Rasa calls the action server, so it listens on the loopback only.
ACTIONS_HOST=${ACTIONS_HOST:-127.0.0.1}
# Rasa's HTTP API (/status, /conversations/…, /model/…) reads and rewrites every conversation:
# it is opened only when RASA_AUTH_TOKEN is set in the environment (never in a file), and then
# every call needs ?token=… ; without it the API stays off (the channels still work).
api_args=()
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then api_args=(--enable-api --auth-token "$RASA_AUTH_TOKEN"); fi

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  echo; echo "Assistant arrêté."
  exit 0
}
trap stop INT TERM EXIT

# setsid: each server gets its own process group, so stopping it also stops its children.
SANIC_HOST="$ACTIONS_HOST" setsid .venv/bin/rasa run actions --port "$ACTIONS_PORT" --actions actions >>var/log/actions.log 2>&1 &
pids+=($!)

# The action server's address follows ACTIONS_PORT (endpoints.yml names the default 5055).
sed "s#http://localhost:5055/#http://127.0.0.1:${ACTIONS_PORT}/#" endpoints.yml > var/endpoints.yml

# Telegram and Slack are opened only when their environment variables are set (see README).
.venv/bin/python -m serving.credentials --output var/credentials.yml || exit 1
setsid .venv/bin/rasa run -m models/assistant.tar.gz -i "$RASA_HOST" -p "$RASA_PORT" ${api_args[@]+"${api_args[@]}"} \
  --endpoints var/endpoints.yml --credentials var/credentials.yml --cors "http://localhost:${WEB_PORT}" "http://127.0.0.1:${WEB_PORT}" \
  --log-file var/log/rasa.log >>var/log/rasa.log 2>&1 &
pids+=($!)

setsid .venv/bin/python -m serving.web_server --host 127.0.0.1 --port "$WEB_PORT" --rasa-port "$RASA_PORT" \
  >>var/log/web.log 2>&1 &
pids+=($!)

echo "Démarrage de l'assistant (environ 40 s)… journaux : var/log/rasa.log, var/log/actions.log"
for _ in $(seq 1 180); do
  if curl -sf "http://127.0.0.1:${RASA_PORT}/" >/dev/null 2>&1; then break; fi
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "Un serveur s'est arrêté au démarrage, voir var/log/." >&2; exit 1; fi
  done
  sleep 1
done
cat <<MSG
L'assistant est prêt.
  REST      : curl -s -XPOST http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"a","message":"bonjour"}'
  Socket.IO : http://127.0.0.1:${RASA_PORT}/socket.io
  Page web  : http://localhost:${WEB_PORT}/ (widget de conversation)
  Terminal  : make shell
Ctrl-C pour arrêter.
MSG
wait -n "${pids[@]}"
echo "Un des serveurs s'est arrêté, voir var/log/." >&2
exit 1
