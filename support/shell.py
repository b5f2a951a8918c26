"""Terminal chat for the support team, who test answers before they go live.

    python -m support.shell                      interactive (make shell)
    python -m support.shell --batch q.txt [--conversation] [--format csv|md] [--output path]

Every turn shows the user text, the bot's messages and buttons, the predicted intent with
its confidence and the runner-up, entities, slot changes (old -> new), the actions run and
the active form, and where the answer comes from: the ``knowledge/faq`` entry with its
sources and check date, or the tool (IJ calculator, agency finder) with the knowledge
files it read. Commands: /restart, /tracker, /aide, /quitter; any other "/…" text is sent
to the bot as a button payload (``/faq_tel_urssaf``).

Batch mode: each question of the file is a new conversation, so that every line is tested
as a first message whatever came before; ``--conversation`` keeps one conversation for the
whole file (to replay a dialogue). The report goes to ``--output`` (default: stdout).

How it talks to the assistant: the trained model is loaded in this process
(``rasa.core.agent.Agent``, in-memory tracker store) rather than reached through a running
server's HTTP API, because every turn needs the full NLU result and each event the turn
added, in order, which the agent's tracker gives directly: no Rasa server, API token or
port to manage, and the test conversations never land in the production tracker database.
Custom actions run in a real action server that the shell starts on a free port in its own
process group and stops on exit (EOF, /quitter, Ctrl-C, SIGTERM), or in one given with
``--actions-url``. See ``support.engine``.
"""
from __future__ import annotations

import argparse
import signal
import sys
import uuid
from pathlib import Path
from typing import Optional, TextIO

from support.batch import FORMATS, BatchRow, read_questions, render, row_of
from serving.action_server import ActionServer
from support.engine import ACTIONS_LOG, DEFAULT_MODEL, Assistant
from support.formatting import confidence, format_tracker, format_turn
from support.provenance import origin_of
from support.turns import last_turn

HELP = """Commandes :
  /restart   nouvelle conversation (slots et formulaire oubliés)
  /tracker   événements et slots de la conversation en cours
  /aide      cette aide
  /quitter   quitter (Ctrl-D ou Ctrl-C aussi)
Tout autre texte est envoyé à l'assistant ; « /intention » simule un clic de bouton
(ex. /faq_tel_urssaf)."""


def new_sender() -> str:
    return f"support-{uuid.uuid4().hex[:10]}"


class Session:
    """One shell: the assistant, the current conversation id, and what a turn prints."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.sender = new_sender()

    def restart(self) -> None:
        self.sender = new_sender()

    def ask(self, text: str):
        self.assistant.send(self.sender, text)
        turn = last_turn(self.assistant.events(self.sender))
        return turn, origin_of(turn) if turn else None

    def tracker(self) -> str:
        return format_tracker(self.assistant.events(self.sender))


def _read_line(stream: Optional[TextIO], prompt: str) -> Optional[str]:
    """The next line, or None at end of input (EOF, or no stdin at all)."""
    if stream is None or stream.closed:
        return None
    if stream.isatty():
        try:
            return input(prompt)
        except EOFError:
            return None
    try:
        line = stream.readline()
    except (OSError, ValueError):
        return None
    return line.rstrip("\n") if line else None


def interactive(session: Session, stream: Optional[TextIO], out: TextIO) -> int:
    print("Shell de l'équipe support. /aide pour les commandes.", file=out, flush=True)
    if stream is not None and not stream.closed and stream.isatty():
        import readline  # noqa: F401  (line editing and history for input())
    while True:
        line = _read_line(stream, "vous> ")
        if line is None:
            print("\nFin de l'entrée : au revoir.", file=out)
            return 0
        text = line.strip()
        if not text:
            continue
        command = text.lower()
        if command in ("/quitter", "/quit", "/exit"):
            print("Au revoir.", file=out)
            return 0
        if command in ("/aide", "/help"):
            print(HELP, file=out)
        elif command == "/restart":
            session.restart()
            print(f"Nouvelle conversation ({session.sender}).", file=out)
        elif command == "/tracker":
            print(session.tracker(), file=out)
        else:
            turn, origin = session.ask(text)
            print(format_turn(turn, origin) if turn else "(aucun tour enregistré)", file=out)
        print("-" * 60, file=out, flush=True)


def batch(session: Session, questions: list[str], keep_conversation: bool, progress: TextIO) -> list[BatchRow]:
    rows = []
    for number, question in enumerate(questions, 1):
        if not keep_conversation:
            session.restart()
        turn, origin = session.ask(question)
        row = row_of(question, turn, origin)
        rows.append(row)
        print(f"[{number}/{len(questions)}] {question} -> {row.intent} ({confidence(turn.intent.confidence) if turn and turn.intent else '-'}), "
              f"{row.answer_kind} {row.answer_id}", file=progress, flush=True)
    return rows


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m support.shell", description="Shell de l'équipe support.")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="modèle entraîné (.tar.gz)")
    parser.add_argument("--actions-url", help="serveur d'actions déjà lancé (sinon le shell en démarre un)")
    parser.add_argument("--batch", type=Path, metavar="QUESTIONS", help="rejoue un fichier de questions")
    parser.add_argument("--conversation", action="store_true",
                        help="en lot : une seule conversation pour tout le fichier (défaut : une par question)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="format du rapport en lot")
    parser.add_argument("--output", default="-", help="fichier du rapport en lot (défaut : sortie standard)")
    return parser.parse_args(argv)


def _stop_on_sigterm() -> None:
    # SystemExit unwinds through the ``finally`` that stops the action server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    if not args.model.exists():
        print(f"Pas de modèle entraîné à {args.model} : lancez `make train`.", file=sys.stderr)
        return 1
    questions = read_questions(args.batch) if args.batch else []
    _stop_on_sigterm()
    server = None if args.actions_url else ActionServer(log=ACTIONS_LOG).launch()
    if server is not None:
        print(f"Serveur d'actions sur le port {server.port} (journal : {server.log}).", file=sys.stderr)
    assistant = None
    try:
        print("Chargement du modèle (30 à 60 s)…", file=sys.stderr, flush=True)
        assistant = Assistant(args.model, args.actions_url or server.url)
        if server is not None:
            server.wait_ready()
        session = Session(assistant)
        if args.batch is None:
            return interactive(session, sys.stdin, sys.stdout)
        report = render(batch(session, questions, args.conversation, sys.stderr), args.format)
        if args.output == "-":
            sys.stdout.write(report)
        else:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_text(report, encoding="utf-8")
            print(f"Rapport écrit : {args.output} ({len(questions)} questions)", file=sys.stderr)
        return 0
    except KeyboardInterrupt:
        print("\nInterrompu : au revoir.", file=sys.stderr)
        return 0 if args.batch is None else 130
    finally:
        if assistant is not None:
            assistant.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
