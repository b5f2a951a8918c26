"""Tools for the support team: a terminal chat that shows why the assistant answered what it
answered (``python -m support.shell``) and the report of questions it could not answer
(``python -m support.report``). Both read Rasa tracker events; nothing here is part of the
trained model or of the servers."""
