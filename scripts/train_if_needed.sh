#!/usr/bin/env bash
# Train only when what the model is built from changed: training data, domain, config,
# knowledge (the typo lexicon is read at training time), the custom NLU components and the
# text code they run on the training examples (assistant/typos.py, assistant/text.py).
# The fingerprint of those files is kept beside the model.
set -euo pipefail
cd "$(dirname "$0")/.."
# One digest of the text files (YAML, Python, JSON) below the given paths.
digest() {
  find "$@" -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' -o -name '*.json' \) -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}
# What the NLU components compute from, beyond their own source: the typo normaliser's code and
# lexicon (misspellings, chat shorthands) rewrite the training examples.
nlu_code=(components assistant/typos.py assistant/text.py knowledge/lexicon.yml)
inputs=(config.yml domain.yml data knowledge "${nlu_code[@]}")
fingerprint=$(digest "${inputs[@]}")
model=models/assistant.tar.gz
if [ -f "$model" ] && [ "$(cat models/.fingerprint 2>/dev/null)" = "$fingerprint" ]; then
  echo "Modèle à jour ($model), pas d'entraînement."
  exit 0
fi
echo "Entraînement du modèle…"
# Rasa's training cache (.rasa/cache) keys a component by its config, inputs and the source of
# its class, not of the module's other code (components/linear_intent.py's _Model) nor of the
# files that code reads (the lexicon): after an edit of one of them it could reuse the old
# component's output, e.g. training examples normalised with the old lexicon. Force a full
# training then; otherwise the cache still saves DIET when only stories or answers changed.
code=$(digest "${nlu_code[@]}")
force=()
[ "$(cat models/.components-fingerprint 2>/dev/null)" = "$code" ] || force=(--force)
start=$(date +%s)
mkdir -p var/log
if ! .venv/bin/rasa train "${force[@]}" --fixed-model-name assistant --out models >var/log/train.log 2>&1; then
  tail -n 40 var/log/train.log >&2
  echo "Échec de l'entraînement, journal complet : var/log/train.log" >&2
  exit 1
fi
echo "$fingerprint" > models/.fingerprint
echo "$code" > models/.components-fingerprint
echo "Modèle entraîné en $(( $(date +%s) - start )) s : $model" | tee -a var/log/train.log  # read by make bench
