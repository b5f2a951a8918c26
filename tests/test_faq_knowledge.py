"""The FAQ knowledge base: complete, traceable, trained for, and written in one place only."""
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from assistant import faq
from assistant.nlu_data import folded_set, fresh_examples, heldout_examples, training_examples
from assistant.text import fold

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_TOPICS = {"regime_general", "comptes_en_ligne", "telephones", "experts_comptables",
                   "attestations", "reclamations_mediation", "changements_situation", "sante"}
ENTRIES = faq.all_entries()


def test_every_required_topic_has_entries():
    present = {topic.id for topic in faq.topics() if topic.entries}
    assert REQUIRED_TOPICS <= present


@pytest.mark.parametrize("fact", [
    "1er janvier 2020", "20 septembre 2021", "13 chiffres", "3698", "36 46", "39 60",
    "autoentrepreneur.urssaf.fr", "lassuranceretraite.fr", "ameli.fr", "48 heures",
    "formalites.entreprises.gouv.fr", "Mon espace santé", "vigilance", "médiat",
])
def test_key_facts_of_the_sources_are_somewhere_in_the_answers(fact):
    assert any(fold(fact) in fold(entry.answer) for entry in ENTRIES), fact


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_entry_is_traceable_and_concrete(entry):
    assert entry.sources and entry.key_facts
    assert entry.checked <= dt.date.today()
    assert 30 <= len(entry.answer) <= 1200
    assert len(entry.title) <= 45
    assert "**" not in entry.answer and "<" not in entry.answer  # plain text for every channel


def test_every_faq_intent_is_trained_and_evaluated():
    training, heldout = training_examples(), heldout_examples()
    for entry in ENTRIES:
        assert len(training.get(entry.intent, [])) >= 12, entry.intent
        assert len(heldout.get(entry.intent, [])) >= 3, entry.intent


def test_no_nlu_intent_without_entry_or_domain():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = set(domain["intents"])
    for intent in training_examples():
        assert intent in intents, intent
        if intent.startswith(faq.INTENT_PREFIX):
            assert faq.entry_for_intent(intent) is not None, intent


@pytest.mark.parametrize("evaluation", [heldout_examples, fresh_examples])
def test_evaluation_sets_never_used_for_training(evaluation):
    overlap = folded_set(training_examples()) & folded_set(evaluation())
    assert not overlap, sorted(overlap)[:10]


@pytest.mark.parametrize("evaluation", [heldout_examples, fresh_examples])
def test_no_training_example_is_a_near_copy_of_an_evaluation_one(evaluation):
    """An evaluation question (held-out or second set) one letter or one word away from a
    training example measures memory, not generalisation: the training side must not come
    within 90 % (rapidfuzz ratio on folded text) of any evaluation example (the examples added on 2026-11-23 were filtered
    at 88 % before they were merged)."""
    from rapidfuzz import fuzz, process

    training = sorted(folded_set(training_examples()))
    close = []
    for text in sorted(folded_set(evaluation())):
        match = process.extractOne(text, training, scorer=fuzz.ratio, score_cutoff=90)
        if match:
            close.append((text, match[0]))
    assert not close, close[:10]


def test_generated_domain_and_rule_are_in_sync():
    from scripts.sync_faq import DOMAIN, RULES, expected
    domain, rules = expected()
    assert DOMAIN.read_text(encoding="utf-8") == domain, "run `make sync-faq`"
    assert RULES.read_text(encoding="utf-8") == rules, "run `make sync-faq`"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?:])\s+|\n", text) if len(s.strip()) >= 40]


def test_answer_text_lives_only_in_the_knowledge_base():
    """No FAQ sentence is copied into the domain, training data, actions or another entry."""
    elsewhere = {p: fold(p.read_text(encoding="utf-8")) for p in
                 [ROOT / "domain.yml", *sorted((ROOT / "data").rglob("*.yml")), *sorted((ROOT / "actions").rglob("*.py"))]}
    for entry in ENTRIES:
        for sentence in _sentences(entry.answer):
            key = fold(sentence)
            for path, text in elsewhere.items():
                assert key not in text, f"{entry.id}: sentence copied in {path.name}"
            for other in ENTRIES:
                if other.id != entry.id:
                    assert key not in fold(other.answer), f"{entry.id}: sentence copied in {other.id}"
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    answers = " ".join(fold(e.answer) for e in ENTRIES)
    for name, variants in domain["responses"].items():
        for variant in variants:
            for sentence in _sentences(variant.get("text", "")):
                assert fold(sentence) not in answers, f"{name} duplicates an FAQ answer"
