"""Rasa-side plug-ins: NLU pipeline components and the tracker store.

They only adapt the plain-Python helpers of ``assistant/`` to Rasa's interfaces.
"""
