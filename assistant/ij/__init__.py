"""IJ calculator: the daily sickness allowance of self-employed workers (no Rasa import).

- ``model``: typed request/result and enums;
- ``params``: the rules and PASS table read from ``knowledge/ij/`` (sources and dates there);
- ``calculator.compute``: the computation, with its steps in French;
- ``explain``: every French sentence, ``render_answer`` for the final message;
- ``amounts`` / ``parsing``: reading amounts, durations, dates… from free text;
- ``money.format_euros``: "1 234,56 €".
"""
from assistant.ij.amounts import AmountError, AmountErrorKind, parse_amount, parse_incomes
from assistant.ij.calculator import compute
from assistant.ij.explain import render_answer
from assistant.ij.model import IJRequest, IJResult, MicroActivity, Reason, Scheme
from assistant.ij.money import format_euros
from assistant.ij.params import IJParams, load_params
from assistant.ij.parsing import (parse_activity, parse_caisse, parse_hospitalisation, parse_leave_date,
                                  parse_leave_days, parse_retired, parse_therapeutic_part_time)

__all__ = [
    "AmountError", "AmountErrorKind", "IJParams", "IJRequest", "IJResult", "MicroActivity", "Reason", "Scheme",
    "compute", "format_euros", "load_params", "parse_activity", "parse_amount", "parse_caisse",
    "parse_hospitalisation", "parse_incomes", "parse_leave_date", "parse_leave_days", "parse_retired",
    "parse_therapeutic_part_time", "render_answer",
]
