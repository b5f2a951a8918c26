"""`make bench`: load test of our assistant against a bare Rasa assistant (see bench/run.py)."""
