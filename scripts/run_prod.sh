#!/usr/bin/env bash
# Scale-out profile (`make run-prod`): one action server and RASA_REPLICAS Rasa replicas on
# consecutive ports, all with endpoints.prod.yml (conversations in PostgreSQL, Redis lock).
# PostgreSQL and Redis are not started here: they are the operator's (see README, "Production").
# A load balancer with sticky sessions goes in front of the replicas (deploy/nginx.conf).
# A replica that stops is reported and the others keep serving; Ctrl-C (or SIGTERM) stops all.
set -uo pipefail
cd "$(dirname "$0")/.."

RASA_REPLICAS=${RASA_REPLICAS:-2}
RASA_PORT=${RASA_PORT:-5005}          # first replica; the next ones on the following ports
RASA_HOST=${RASA_HOST:-127.0.0.1}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}            # origin allowed by CORS (chat widget page)
PROD_RUN_DIR=${PROD_RUN_DIR:-var/prod}  # logs, pid files, generated credentials
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:${ACTIONS_PORT}/webhook}
export POSTGRES_HOST=${POSTGRES_HOST:-127.0.0.1} POSTGRES_PORT=${POSTGRES_PORT:-5432}
export POSTGRES_DB=${POSTGRES_DB:-rasa} POSTGRES_USER=${POSTGRES_USER:-rasa}
export REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379} REDIS_DB=${REDIS_DB:-1}
export REDIS_PASSWORD=${REDIS_PASSWORD:-}

if ! [[ "$RASA_REPLICAS" =~ ^[1-9][0-9]*$ ]]; then
  echo "RASA_REPLICAS doit être un entier ≥ 1 (reçu : « $RASA_REPLICAS »)." >&2; exit 2
fi
if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "POSTGRES_PASSWORD n'est pas défini : donnez le mot de passe de PostgreSQL dans l'environnement (jamais dans un fichier)." >&2
  exit 2
fi
export POSTGRES_PASSWORD
mkdir -p "$PROD_RUN_DIR"
.venv/bin/python -m serving.prod_check || exit 1
# Telegram and Slack are opened only when their environment variables are set (as scripts/run.sh).
.venv/bin/python -m serving.credentials --output "$PROD_RUN_DIR/credentials.yml" || exit 1
# Rasa's HTTP API only with a token from the environment (as scripts/run.sh).
api_args=()
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then api_args=(--enable-api --auth-token "$RASA_AUTH_TOKEN"); fi

pids=() names=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  rm -f "$PROD_RUN_DIR"/*.pid
  echo; echo "Assistant (profil production) arrêté."
  exit 0
}
trap stop INT TERM EXIT

# setsid: each server gets its own process group, so stopping it also stops its children.
# rasa-sdk binds to $SANIC_HOST: only the replicas call the action server, so loopback only.
SANIC_HOST=127.0.0.1 setsid .venv/bin/rasa run actions --port "$ACTIONS_PORT" --actions actions \
  >>"$PROD_RUN_DIR/actions.log" 2>&1 &
pids+=($!) names+=("du serveur d'actions")
echo $! >"$PROD_RUN_DIR/actions.pid"

ports=()
for ((i = 0; i < RASA_REPLICAS; i++)); do
  port=$((RASA_PORT + i))
  ports+=("$port")
  setsid .venv/bin/rasa run -m models/assistant.tar.gz -i "$RASA_HOST" -p "$port" ${api_args[@]+"${api_args[@]}"} \
    --endpoints endpoints.prod.yml --credentials "$PROD_RUN_DIR/credentials.yml" \
    --cors "http://localhost:${WEB_PORT}" "http://127.0.0.1:${WEB_PORT}" \
    --log-file "$PROD_RUN_DIR/rasa-$port.log" >>"$PROD_RUN_DIR/rasa-$port.log" 2>&1 &
  pids+=($!) names+=("de la réplique Rasa $port")
  echo $! >"$PROD_RUN_DIR/rasa-$port.pid"
done

echo "Démarrage de ${RASA_REPLICAS} réplique(s) Rasa (ports ${ports[0]} à ${ports[-1]}) et du serveur d'actions (${ACTIONS_PORT})…"
echo "Journaux : $PROD_RUN_DIR/"
for port in "${ports[@]}"; do
  until curl -sf "http://127.0.0.1:${port}/" >/dev/null 2>&1; do
    for index in "${!pids[@]}"; do
      if ! kill -0 "${pids[$index]}" 2>/dev/null; then
        echo "Échec au démarrage : arrêt ${names[$index]}, voir $PROD_RUN_DIR/." >&2; exit 1
      fi
    done
    sleep 1
  done
done
cat <<MSG
L'assistant (profil production) est prêt.
  Répliques : $(for port in "${ports[@]}"; do printf 'http://%s:%s ' "$RASA_HOST" "$port"; done)
  REST      : curl -s -XPOST http://127.0.0.1:${ports[0]}/webhooks/rest/webhook -d '{"sender":"a","message":"bonjour"}'
  Mettez un répartiteur de charge devant les répliques, avec sessions collantes pour Socket.IO.
Ctrl-C pour arrêter.
MSG

# A stopped server is reported once; the others keep serving (the load balancer skips it).
reported=()
while :; do
  alive=0
  for index in "${!pids[@]}"; do
    if kill -0 "${pids[$index]}" 2>/dev/null; then
      alive=$((alive + 1))
    elif [ -z "${reported[$index]:-}" ]; then
      reported[$index]=1
      echo "$(date '+%F %T') Arrêt ${names[$index]}, voir $PROD_RUN_DIR/ ; les autres serveurs continuent." >&2
    fi
  done
  [ "$alive" -eq 0 ] && { echo "Tous les serveurs sont arrêtés." >&2; exit 1; }
  sleep 2 & wait $!
done
