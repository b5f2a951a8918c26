"""Domain logic of the assistant for self-employed workers.

Nothing in this package imports Rasa: the IJ calculator, the agency finder, the FAQ
knowledge base and the text helpers are plain Python so they can be tested alone and
reused by the Rasa actions, the support shell and the scripts.
"""
