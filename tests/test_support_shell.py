"""The support shell: turn parsing, answer origin and French formatting on tracker events as
Rasa writes them (parse data recorded from the trained model), the commands, and two runs of
the real shell (batch report, interactive session ended by EOF)."""
from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import socket
import subprocess
import sys

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered

from assistant import faq
from support import batch, shell
from support.formatting import format_tracker, format_turn
from support.provenance import AnswerKind, origin_of
from support.turns import iter_turns, last_turn
from tests.live_stack import MODEL, ROOT


def user(text, *ranking, **extra):
    """A user event with the parse data of the trained model (ranking as (intent, confidence))."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    chosen = extra.pop("intent", intents[0])
    return UserUttered(text, intent=chosen, parse_data={"text": text, "intent": chosen, "intent_ranking": intents,
                                                        "entities": extra.pop("entities", []), **extra})


def as_dicts(*events):
    return [event.as_dict() for event in events]


START = (ActionExecuted("action_session_start"), ActionExecuted("action_listen"))
FAQ_TURN = (user("quel est le numéro de l'urssaf", ("faq_tel_urssaf", 0.6921), ("faq_tel_retraite", 0.0551),
                 ("faq_compte_ecrire_urssaf", 0.0477)),
            ActionExecuted("action_answer_faq", policy="RulePolicy"),
            BotUttered(faq.entry_for_intent("faq_tel_urssaf").answer),
            SlotSet("derniere_reponse", "tel_urssaf"), ActionExecuted("action_listen"))
IJ_ASK = (user("combien je toucherai en arrêt maladie", ("ask_ij", 0.92), ("faq_sante_arret_travail", 0.02)),
          ActionExecuted("ij_form"), ActiveLoop("ij_form"), SlotSet("requested_slot", "statut"),
          BotUttered("Quel est votre statut ?", data={"buttons": [{"title": "Artisan", "payload": "artisan"},
                                                                  {"title": "Commerçant", "payload": "commerçant"}]},
                     metadata={"utter_action": "utter_ask_statut"}),
          ActionExecuted("action_listen"))
IJ_ANSWER = (user("commerçant, 30000 euros", ("inform", 0.76), ("faq_sante_remboursements", 0.03)),
             ActionExecuted("ij_form"), SlotSet("statut", "commercant"), SlotSet("ij_revenu", 30000.0),
             SlotSet("requested_slot", None), ActiveLoop(None), ActionExecuted("action_ij_compute"),
             BotUttered("Indemnités journalières estimées : 41,10 € brut par jour.\nDétail du calcul :"),
             SlotSet("ij_revenu", None), SlotSet("ij_activite", None), ActionExecuted("action_listen"))
AGENCY_TURN = (user("boulanger à Metz quelle est ma caisse de retraite", ("ask_agency", 0.7709),
                    ("faq_tel_retraite", 0.0493)),
               ActionExecuted("agency_form"), ActiveLoop("agency_form"), SlotSet("agency_theme", "retraite"),
               SlotSet("statut", "artisan"), SlotSet("departement", "57"), SlotSet("requested_slot", None),
               ActiveLoop(None), ActionExecuted("action_agency_answer"),
               BotUttered("Pour le département Moselle (57) :\nRetraite : Carsat Alsace-Moselle"),
               SlotSet("departement", None), SlotSet("agency_theme", None), ActionExecuted("action_listen"))
FALLBACK_TURN = (user("le truc du machin", ("nlu_fallback", 0.4), ("faq_compte_identifiant", 0.31),
                      ("faq_tel_urssaf", 0.29), intent={"name": "nlu_fallback", "confidence": 0.4}),
                 ActionExecuted("action_clarify"),
                 BotUttered("Vouliez-vous dire :", data={"buttons": [{"title": "Identifiant", "payload": "/faq_compte_identifiant"}]},
                            metadata={"utter_action": "utter_clarify"}),
                 ActionExecuted("action_listen"))


def test_faq_turn_shows_intent_runner_up_slots_and_the_knowledge_entry():
    turn = last_turn(as_dicts(*START, *FAQ_TURN))
    origin = origin_of(turn)
    entry = faq.entry_for_intent("faq_tel_urssaf")
    assert (origin.kind, origin.id) == (AnswerKind.FAQ, "tel_urssaf")
    assert origin.knowledge[0].path == "knowledge/faq/telephones.yml"
    text = format_turn(turn, origin)
    assert "Vous : quel est le numéro de l'urssaf" in text
    assert f"Assistant : {entry.answer.splitlines()[0]}" in text
    assert "Intention : faq_tel_urssaf\nConfiance : 0.69\n2e intention : faq_tel_retraite (0.06)" in text
    assert "derniere_reponse : (vide) -> tel_urssaf" in text
    assert "Actions : action_answer_faq" in text and "Formulaire actif : aucun" in text
    assert f"Source : knowledge/faq/telephones.yml (vérifiée le {entry.checked.isoformat()})" in text
    assert all(f"- {source}" in text for source in entry.sources)


def test_same_faq_twice_is_still_attributed_to_its_entry():
    """The second answer sets the slot to the value it already had: no change, same entry."""
    turns = list(iter_turns(as_dicts(*START, *FAQ_TURN, *FAQ_TURN)))
    assert turns[1].slot_changes == []
    assert origin_of(turns[1]).id == "tel_urssaf"


def test_form_question_then_ij_tool_with_its_knowledge_files():
    ask, answer = iter_turns(as_dicts(*START, *IJ_ASK, *IJ_ANSWER))
    asked = origin_of(ask)
    assert (asked.kind, asked.id) == (AnswerKind.FORM_QUESTION, "utter_ask_statut")
    text = format_turn(ask, asked)
    assert "[bouton] Commerçant -> commerçant" in text and "Formulaire actif : ij_form" in text
    assert "requested_slot : (vide) -> statut" in text
    origin = origin_of(answer)
    assert (origin.kind, origin.id) == (AnswerKind.TOOL, "action_ij_compute")
    assert [f.path for f in origin.knowledge] == ["knowledge/ij/rules.yml", "knowledge/ij/pass.yml"]
    text = format_turn(answer, origin)
    assert "statut : (vide) -> commercant" in text
    assert "ij_revenu : (vide) -> 30000\n    requested_slot : statut -> (vide)" in text
    assert "ij_revenu : 30000 -> (vide)" in text
    assert "ij_activite" not in text  # set to the value it had: not a change
    assert "Actions : ij_form, action_ij_compute" in text
    assert "    Détail du calcul :" in text
    assert "Source : knowledge/ij/rules.yml (vérifiée le " in text


def test_agency_tool_cites_the_file_of_the_theme_asked():
    turns = list(iter_turns(as_dicts(*START, *IJ_ASK, *IJ_ANSWER, *AGENCY_TURN)))
    origin = origin_of(turns[-1])
    paths = [f.path for f in origin.knowledge]
    assert origin.id == "action_agency_answer"
    assert paths == ["knowledge/agencies/retraite.yml", "knowledge/agencies/reseaux.yml", "knowledge/agencies/ssi.yml"]
    assert "statut : commercant -> artisan" in format_turn(turns[-1], origin)  # old value from an earlier turn


def test_fallback_turn_runner_up_is_the_classifiers_best_guess():
    turn = last_turn(as_dicts(*START, *FALLBACK_TURN))
    assert turn.runner_up.name == "faq_compte_identifiant"
    origin = origin_of(turn)
    assert (origin.kind, origin.id) == (AnswerKind.RESPONSE, "utter_clarify")
    text = format_turn(turn, origin)
    assert "Intention : nlu_fallback\nConfiance : 0.40\n2e intention : faq_compte_identifiant (0.31)" in text
    assert "Slots : aucun changement" in text


def test_personal_data_turn_shows_the_masking_and_the_question_still_answered():
    masked = "mon numéro est [téléphone masqué], quel est le numéro de l'urssaf"
    turn = last_turn(as_dicts(*START, user(
        masked, ("faq_tel_urssaf", 0.81), ("faq_tel_retraite", 0.05), intent={"name": "donnees_personnelles", "confidence": 1.0},
        pii=["phone"], pii_original_intent={"name": "faq_tel_urssaf", "confidence": 0.81}),
        ActionExecuted("action_personal_data"),
        BotUttered("Ne donnez pas vos données personnelles ici.", metadata={"utter_action": "utter_personal_data"}),
        BotUttered(faq.entry_for_intent("faq_tel_urssaf").answer), SlotSet("derniere_reponse", "tel_urssaf"),
        ActionExecuted("action_listen")))
    origin = origin_of(turn)
    assert origin.id == "tel_urssaf"
    text = format_turn(turn, origin)
    assert "Intention : donnees_personnelles\nConfiance : 1.00\n2e intention : faq_tel_urssaf (0.81)" in text
    assert "Données personnelles masquées : phone ; intention avant masquage : faq_tel_urssaf (0.81)" in text


def test_tracker_summary_lists_events_and_filled_slots():
    text = format_tracker(as_dicts(*START, *FAQ_TURN, *IJ_ASK))
    assert "utilisateur : quel est le numéro de l'urssaf  [faq_tel_urssaf 0.69]" in text
    assert "action : action_answer_faq" in text and "formulaire : ij_form" in text
    assert "assistant : Quel est votre statut ?  (+2 boutons)" in text
    assert text.splitlines()[-1] == "Slots remplis : derniere_reponse=tel_urssaf, requested_slot=statut"


def test_batch_rows_and_report_formats(tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("# comment\n\nquel est le numéro de l'urssaf\n  \n  autre | question  \n", encoding="utf-8")
    assert batch.read_questions(questions) == ["quel est le numéro de l'urssaf", "autre | question"]
    turn = last_turn(as_dicts(*START, *FAQ_TURN))
    row = batch.row_of("quel est le numéro de l'urssaf", turn, origin_of(turn))
    assert (row.intent, row.confidence, row.runner_up, row.answer_kind, row.answer_id) == \
        ("faq_tel_urssaf", "0.6921", "faq_tel_retraite", "faq", "tel_urssaf")
    assert len(batch.HEADERS) == len(dataclasses.fields(batch.BatchRow))
    parsed = list(csv.reader(io.StringIO(batch.render([row], "csv"))))
    assert parsed[0] == list(batch.HEADERS) and parsed[1][0] == "quel est le numéro de l'urssaf"
    piped = batch.row_of("a | b", turn, origin_of(turn))
    markdown = batch.render([piped], "md").splitlines()
    assert markdown[2].startswith("| a \\| b | faq_tel_urssaf | 0.6921 |")
    with pytest.raises(ValueError):
        batch.render([row], "xls")


class RecordedAssistant:
    """Replays recorded events instead of running the model: tests the commands only."""

    def __init__(self):
        self.conversations = {}

    def send(self, sender, text):
        turn = FAQ_TURN if "urssaf" in text else FALLBACK_TURN
        self.conversations.setdefault(sender, as_dicts(*START))
        self.conversations[sender] += as_dicts(*turn)
        return []

    def events(self, sender):
        return self.conversations.get(sender, [])


def test_commands_restart_tracker_help_and_quit():
    session = shell.Session(RecordedAssistant())
    first = session.sender
    out = io.StringIO()
    code = shell.interactive(session, io.StringIO("numéro urssaf\n/tracker\n/restart\n/aide\n/TRACKER\n/quitter\nnever read\n"), out)
    text = out.getvalue()
    assert code == 0 and session.sender != first
    assert "Intention : faq_tel_urssaf" in text and "slot : derniere_reponse = tel_urssaf" in text
    assert "Nouvelle conversation" in text and "/restart   nouvelle conversation" in text
    assert text.count("Slots remplis : aucun") == 1  # the tracker after /restart is empty
    assert text.rstrip().endswith("Au revoir.") and "never read" not in text


def test_batch_uses_one_conversation_per_question_unless_asked_to_keep_one():
    for keep, conversations in ((False, 2), (True, 1)):
        assistant = RecordedAssistant()
        rows = shell.batch(shell.Session(assistant), ["numéro urssaf", "le truc"], keep, io.StringIO())
        assert [row.answer_id for row in rows] == ["tel_urssaf", "utter_clarify"]
        assert len(assistant.conversations) == conversations


def test_eof_and_closed_stdin_end_the_shell():
    assert shell.interactive(shell.Session(RecordedAssistant()), io.StringIO(""), io.StringIO()) == 0
    assert shell.interactive(shell.Session(RecordedAssistant()), None, io.StringIO()) == 0
    closed = io.StringIO("x\n")
    closed.close()
    assert shell.interactive(shell.Session(RecordedAssistant()), closed, io.StringIO()) == 0


# --- the real shell: two runs of the trained model (about a minute each) ----------------------

def run_shell(*args, stdin="", timeout=600):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "support.shell", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, timeout=timeout, env=env)


def action_server_port(stderr):
    return int(re.search(r"Serveur d'actions sur le port (\d+)", stderr).group(1))


def port_is_closed(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


needs_model = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make train` (make test does)")


@needs_model
def test_batch_replays_each_question_in_a_new_conversation(tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text("# une FAQ, le calcul des IJ, du bruit\nquel est le numéro de l'urssaf\n\n"
                         "combien je toucherai en arrêt maladie, commerçant, 30000 euros\nblablabla xyz\n",
                         encoding="utf-8")
    output = tmp_path / "rapport.csv"
    result = run_shell("--batch", str(questions), "--format", "csv", "--output", str(output))
    assert result.returncode == 0, result.stderr[-3000:]
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [row["question"] for row in rows] == ["quel est le numéro de l'urssaf",
                                                 "combien je toucherai en arrêt maladie, commerçant, 30000 euros",
                                                 "blablabla xyz"]
    faq_row, ij_row, noise = rows
    assert (faq_row["intention"], faq_row["type de réponse"], faq_row["id de réponse"]) == \
        ("faq_tel_urssaf", "faq", "tel_urssaf")
    assert faq_row["première ligne de la réponse"].startswith(faq.entry_for_intent("faq_tel_urssaf").answer[:40])
    assert (ij_row["intention"], ij_row["id de réponse"]) == ("ask_ij", "action_ij_compute")
    assert ij_row["première ligne de la réponse"].startswith("Indemnités journalières estimées")
    assert not noise["intention"].startswith("faq_") and noise["type de réponse"] != "faq"
    for row in rows:
        assert 0.0 < float(row["confiance"]) <= 1.0 and row["2e intention"]
        assert 0.0 <= float(row["confiance 2e"]) < float(row["confiance"])
    assert port_is_closed(action_server_port(result.stderr))


@needs_model
def test_interactive_session_until_end_of_input():
    lines = ["quel est le numéro de l'urssaf", "/tracker", "boulanger à Metz quelle est ma caisse de retraite",
             "/restart", "/tracker"]
    result = run_shell(stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Intention : faq_tel_urssaf" in out
    assert re.search(r"Confiance : 0\.\d\d\n2e intention : \w+ \(0\.\d\d\)", out)
    assert "Source : knowledge/faq/telephones.yml (vérifiée le " in out
    assert "slot : derniere_reponse = tel_urssaf" in out
    assert "Réponse : outil recherche de l'organisme" in out and "action action_agency_answer" in out
    assert "Source : knowledge/agencies/retraite.yml" in out and "departement : (vide) -> 57" in out
    assert "Nouvelle conversation" in out and out.rstrip().endswith("Fin de l'entrée : au revoir.")
    assert port_is_closed(action_server_port(result.stderr))
