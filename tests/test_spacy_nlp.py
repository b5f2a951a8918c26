"""components/spacy_nlp.py: spaCy runs only its tokenizer, and what the pipeline reads is unchanged."""
import numpy as np
import spacy

from components.spacy_nlp import SpacyNLP

SENTENCES = ["Bonjour, je suis auto-entrepreneur et j'ai perdu ma carte Vitale",
             "c koi le num de l'urssaf pr les indép ?", "arrêt maladie : combien je touche ?"]


def test_no_pipe_runs_and_tokens_and_vectors_are_those_of_the_full_model():
    reduced = SpacyNLP.load_model("fr_core_news_md").model
    full = spacy.load("fr_core_news_md")
    assert reduced.pipe_names == []
    for text in SENTENCES:
        ours, theirs = reduced(text), full(text)
        assert [t.text for t in ours] == [t.text for t in theirs]
        assert np.allclose(ours.vector, theirs.vector)
        assert all(np.allclose(a.vector, b.vector) for a, b in zip(ours, theirs))
