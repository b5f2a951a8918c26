"""Public messaging channels (Telegram, Slack) built on Rasa 3.6's own connectors.

They are opened only when their environment variables are set (see serving/credentials.py).
"""
