"""The unanswered-questions report on a SQLite tracker database written by the project's own
tracker store (serving.tracker_store.RedactingSQLTrackerStore, Rasa's SQL schema)."""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import subprocess

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from serving.tracker_store import RedactingSQLTrackerStore
from support import report
from support.unanswered import Reason, fallback_threshold, normalise
from tests.live_stack import ROOT

PHONE = "06 12 34 56 78"


def user(text, intent, confidence, ranking=()):
    ranking = [{"name": intent, "confidence": confidence}] + [{"name": n, "confidence": c} for n, c in ranking]
    return UserUttered(text, intent={"name": intent, "confidence": confidence},
                       parse_data={"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking,
                                   "entities": [], "text": text})


def fallback(text, best, best_confidence, second, second_confidence):
    """What the FallbackClassifier writes: nlu_fallback first, then the classifier's ranking."""
    return UserUttered(text, intent={"name": "nlu_fallback", "confidence": 0.4}, parse_data={
        "intent": {"name": "nlu_fallback", "confidence": 0.4}, "entities": [], "text": text,
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}, {"name": best, "confidence": best_confidence},
                           {"name": second, "confidence": second_confidence}]})


def clarify():
    return [ActionExecuted("action_clarify"),
            BotUttered("Vouliez-vous dire…", data={"buttons": [{"title": "Autre chose", "payload": "/help"}]},
                       metadata={"utter_action": "utter_clarify"}),
            ActionExecuted("action_listen")]


CONVERSATIONS = {
    "a": [ActionExecuted("action_listen"), user("Numéro URSSAF ?", "faq_tel_urssaf", 0.92),
          ActionExecuted("action_answer_faq"), BotUttered("Appelez le 3698."), ActionExecuted("action_listen"),
          fallback("Comment je fais pour le truc ?", "faq_compte_identifiant", 0.31, "faq_tel_urssaf", 0.29),
          *clarify()],
    "b": [ActionExecuted("action_listen"),
          fallback("comment je fais pour le TRUC", "faq_compte_identifiant", 0.35, "help", 0.3), *clarify(),
          user(f"rappelez-moi au {PHONE}", "human_handoff", 0.33, [("inform", 0.2)]),
          ActionExecuted("utter_human_handoff"),
          BotUttered("Un conseiller…", metadata={"utter_action": "utter_human_handoff"}),
          ActionExecuted("action_listen"),
          # confident but the FAQ action had no entry: it said it did not understand
          user("attestation machin", "faq_attestation_liste", 0.45, [("faq_attestation_vigilance", 0.4)]),
          ActionExecuted("action_answer_faq"),
          BotUttered("Je n'ai pas compris.", metadata={"utter_action": "utter_default"}),
          ActionExecuted("action_listen")],
    "c": [ActionExecuted("action_listen"), user("bonjour", "greet", 0.99), ActionExecuted("utter_greet"),
          BotUttered("Bonjour !", metadata={"utter_action": "utter_greet"}), ActionExecuted("action_listen"),
          user("quel délai pour payer", "faq_paiement_delai", 0.47, [("faq_paiement_difficultes", 0.3)]),
          ActionExecuted("action_answer_faq"), BotUttered("Vous pouvez demander un délai."),
          ActionExecuted("action_listen")],
}


def save_conversations(store):
    async def save_all():
        for sender, events in CONVERSATIONS.items():
            await store.save(DialogueStateTracker.from_events(sender, events))

    asyncio.run(save_all())
    store.engine.dispose()


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "tracker.db"
    save_conversations(RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path)))
    return path


def read_csv(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_normalise_folds_case_accents_punctuation_and_keeps_masks():
    assert normalise("  Numéro URSSAF ?? ") == "numero urssaf"
    assert normalise(f"Appelez-moi au {PHONE} !") == "appelez moi au [telephone masque]"
    assert normalise("[téléphone masqué] encore") == "[telephone masque] encore"


def test_default_threshold_is_the_fallback_classifiers():
    import yaml

    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    (configured,) = [c["threshold"] for c in pipeline if c["name"] == "FallbackClassifier"]
    assert fallback_threshold() == configured


def test_groups_counts_intents_and_reasons(tracker_db, tmp_path):
    # the events below were written for a 0.4 threshold (the default follows config.yml)
    assert report.main(["--db", str(tracker_db), "--threshold", "0.4", "--output-dir", str(tmp_path)]) == 0
    rows = read_csv(tmp_path / "questions-sans-reponse.csv")
    by_key = {row["texte normalisé"]: row for row in rows}
    assert set(by_key) == {"comment je fais pour le truc", "rappelez moi au [telephone masque]", "attestation machin"}
    truc = by_key["comment je fais pour le truc"]
    assert rows[0]["texte normalisé"] == "comment je fais pour le truc"  # most frequent first
    assert (truc["occurrences"], truc["conversations"]) == ("2", "2")
    assert truc["intention prédite"] == "faq_compte_identifiant"  # the classifier's guess, not nlu_fallback
    assert truc["confiance moyenne"] == "0.33"
    assert Reason.FALLBACK in truc["raisons"] and Reason.NOT_UNDERSTOOD in truc["raisons"]
    phone = by_key["rappelez moi au [telephone masque]"]
    assert phone["intention prédite"] == "human_handoff" and Reason.LOW_CONFIDENCE in phone["raisons"]
    assert "[téléphone masqué]" in phone["exemples"]
    assert Reason.NOT_UNDERSTOOD in by_key["attestation machin"]["raisons"]
    # answered questions, and 0.47 above the 0.4 threshold, are not in the report
    assert "quel delai pour payer" not in by_key and "numero urssaf" not in by_key
    page = (tmp_path / "questions-sans-reponse.html").read_text(encoding="utf-8")
    assert "4 message(s) sans réponse sur 7 message(s)" in page
    assert page.count('<rect class="bar"') == 3
    assert "comment je fais pour le truc : 2</title>" in page
    assert "<svg" in page and "<script" not in page and "<link" not in page and 'src="http' not in page
    for output in ("questions-sans-reponse.csv", "questions-sans-reponse.html"):
        assert PHONE not in (tmp_path / output).read_text(encoding="utf-8")


def test_threshold_and_since_options(tracker_db, tmp_path):
    assert report.main(["--db", str(tracker_db), "--threshold", "0.5", "--top", "1", "--output-dir", str(tmp_path)]) == 0
    keys = [row["texte normalisé"] for row in read_csv(tmp_path / "questions-sans-reponse.csv")]
    assert "quel delai pour payer" in keys and len(keys) == 4
    assert (tmp_path / "questions-sans-reponse.html").read_text(encoding="utf-8").count('<rect class="bar"') == 1
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert report.main(["--db", str(tracker_db), "--since", tomorrow, "--output-dir", str(tmp_path)]) == 0
    assert read_csv(tmp_path / "questions-sans-reponse.csv") == []
    assert "Aucune question sans réponse" in (tmp_path / "questions-sans-reponse.html").read_text(encoding="utf-8")


def test_database_from_url_and_from_an_endpoints_file(tracker_db, tmp_path, monkeypatch):
    by_url = report.build_report(report.database_url(f"sqlite:///{tracker_db}"), 0.4)
    monkeypatch.setenv("SUPPORT_TEST_DB", str(tracker_db))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: serving.tracker_store.RedactingSQLTrackerStore\n"
                         "  dialect: sqlite\n  db: ${SUPPORT_TEST_DB}\n", encoding="utf-8")
    by_endpoints = report.build_report(report.database_url(endpoints=endpoints), 0.4)
    assert [(g.key, g.count) for g in by_url.groups] == [(g.key, g.count) for g in by_endpoints.groups]
    assert by_url.unanswered == 4
    monkeypatch.delenv("SUPPORT_TEST_DB")
    with pytest.raises(ValueError, match="SUPPORT_TEST_DB"):
        report.database_url(endpoints=endpoints)
    assert report.database_url("postgresql://u:secret@db:5432/rasa").render_as_string(hide_password=True) == \
        "postgresql://u:***@db:5432/rasa"


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    assert report.main(["--db", str(tmp_path / "absent.db"), "--output-dir", str(tmp_path)]) == 1
    assert "pas de base de conversations" in capsys.readouterr().err


def test_postgresql_tracker_store_read_through_the_production_endpoints(monkeypatch, tmp_path):
    """The same report from PostgreSQL, configured by endpoints.prod.yml and its variables."""
    from tests.prod_services import Postgres, postgres_bin_dir

    if postgres_bin_dir() is None:
        subprocess.run([str(ROOT / "scripts" / "install_system_deps.sh")], check=False)
    if postgres_bin_dir() is None:
        pytest.skip("paquet Debian postgresql absent et non installable (scripts/install_system_deps.sh)")
    server = Postgres().init()
    try:
        store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="postgresql", host="127.0.0.1",
                                         port=server.port, db=server.db, username=server.user,
                                         password=server.password)
        save_conversations(store)
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        assert report.main(["--endpoints", str(ROOT / "endpoints.prod.yml"), "--threshold", "0.4",
                                "--output-dir", str(tmp_path)]) == 0
    finally:
        server.remove()
    rows = read_csv(tmp_path / "questions-sans-reponse.csv")
    assert [(row["texte normalisé"], row["occurrences"]) for row in rows][0] == ("comment je fais pour le truc", "2")
    assert len(rows) == 3
    page = (tmp_path / "questions-sans-reponse.html").read_text(encoding="utf-8")
    assert "postgresql://rasa:***@127.0.0.1" in page and server.password not in page
