#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs Python < 3.11).
# Order: $PYTHON if set, python3.10 on PATH, then pyenv's newest 3.10.x. Exit 1 with a clear
# message when none runs. Nothing here names a path of a particular machine.
set -u

is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

try() {
  local candidate="$1"
  if [ -n "$candidate" ] && is_310 "$candidate"; then
    "$candidate" -c 'import sys; print(sys.executable)'
    exit 0
  fi
}

try "${PYTHON:-}"
if command -v python3.10 >/dev/null 2>&1; then try "$(command -v python3.10)"; fi
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -t. -k3 -n -r); do
    prefix=$(pyenv prefix "$version" 2>/dev/null) && try "$prefix/bin/python3.10"
  done
fi
for candidate in /usr/bin/python3.10 /usr/local/bin/python3.10; do try "$candidate"; done

# printf is a shell builtin: the message shows even with a broken PATH
printf '%s\n' \
  "ERREUR : aucun Python 3.10 trouvé (Rasa 3.6 exige Python 3.10 ; Python 3.11 ne convient pas)." \
  "Installez-en un, par exemple \`pyenv install 3.10.13\`, ou indiquez son chemin :" \
  "  make install PYTHON=/chemin/vers/python3.10" >&2
exit 1
