#!/usr/bin/env bash
# Start the action server and Rasa together; Ctrl-C (or SIGTERM) stops both, no orphan.
#   scripts/run.sh          REST + Socket.IO server on 127.0.0.1:${RASA_PORT:-5005}
#   scripts/run.sh --shell  talk to the assistant in this terminal
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
RASA_HOST=${RASA_HOST:-127.0.0.1}

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
setsid .venv/bin/rasa run actions --port "$ACTIONS_PORT" --actions actions >>var/log/actions.log 2>&1 &
pids+=($!)

if [ "${1:-}" = "--shell" ]; then
  echo "Serveur d'actions démarré (journal : var/log/actions.log). Chargement du modèle…"
  .venv/bin/rasa shell -m models/assistant.tar.gz --endpoints endpoints.yml --log-file var/log/rasa-shell.log
  exit $?
fi

setsid .venv/bin/rasa run -m models/assistant.tar.gz -i "$RASA_HOST" -p "$RASA_PORT" \
  --endpoints endpoints.yml --credentials credentials.yml --cors "http://localhost:8080" \
  --log-file var/log/rasa.log >>var/log/rasa.log 2>&1 &
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
  Terminal  : make shell
Ctrl-C pour arrêter.
MSG
wait -n "${pids[@]}"
echo "Un des serveurs s'est arrêté, voir var/log/." >&2
exit 1
