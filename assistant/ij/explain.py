"""Every French sentence the IJ calculator says, built with the user's own numbers.

The wording lives here, apart from the arithmetic, so that the answer can be reworded
without touching the rules, and so that the calculator and the Rasa action say the same
thing. Legal texts that are facts (conditions, where to declare) come from rules.yml.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Iterable, Optional, Sequence

from assistant.ij.amounts import AmountErrorKind
from assistant.ij.model import IJResult, Reason
from assistant.ij.money import format_euros, format_number, format_percent
from assistant.ij.params import IJParams, Section, WaitingRule

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def euros(value: Decimal) -> str:
    """Amounts of the user (incomes) without useless ",00"; daily amounts keep their cents."""
    return format_euros(value, drop_zero_cents=True)


def date_fr(day: dt.date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def ordinal(day: int) -> str:
    return "1er" if day == 1 else f"{day}e"


def years_fr(years: Sequence[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    return ", ".join(str(y) for y in years[:-1]) + f" et {years[-1]}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


# --- computation steps -------------------------------------------------------------------

def step_reference_years(years: Sequence[int], leave: dt.date) -> str:
    return (f"Années prises en compte : {years_fr(years)} (les {len(years)} années civiles avant un arrêt "
            f"débutant le {date_fr(leave)}).")


def step_average_income(amount: Decimal, micro: bool) -> str:
    what = "Chiffre d'affaires annuel moyen" if micro else "Revenu annuel moyen"
    return f"{what} indiqué : {euros(amount)}."


def step_yearly_incomes(pairs: Iterable[tuple[int, Decimal]], micro: bool) -> str:
    what = "Chiffres d'affaires" if micro else "Revenus"
    listed = " ; ".join(f"{year} : {euros(value)}" for year, value in pairs)
    return f"{what} indiqués : {listed}."


def step_abatement(turnover: Decimal, rate: Decimal, label: str, base: Decimal) -> str:
    kept = Decimal(1) - rate
    return (f"Micro-entreprise, {label} : abattement de {format_percent(rate)}, revenu retenu "
            f"{euros(turnover)} × {format_percent(kept)} = {euros(base)}.")


def step_floor(year_or_label: str, floor: Decimal, fraction: Decimal, declared: Decimal) -> str:
    return (f"Hors micro-entreprise, la cotisation est due sur au moins {format_percent(fraction)} du plafond "
            f"de la sécurité sociale ({year_or_label}) : revenu retenu {euros(floor)} au lieu de {euros(declared)}.")


def step_raam(values: Sequence[Decimal], raam: Decimal) -> str:
    if len(values) == 1:
        return f"Revenu annuel moyen retenu : {euros(raam)}."
    joined = " + ".join(euros(v) for v in values)
    return f"Revenu annuel moyen retenu : ({joined}) ÷ {len(values)} = {euros(raam)}."


def step_neutralised(kept: bool, note: str) -> str:
    return f"{note} Ici, ils sont {'gardés' if kept else 'écartés'}."


def _threshold_rule(fraction: Decimal, years: Sequence[int]) -> str:
    contiguous = list(years) == list(range(years[0], years[-1] + 1)) and len(years) > 1
    which = f"{years[0]} à {years[-1]}" if contiguous else years_fr(years)
    return f"{format_percent(fraction)} de la moyenne des plafonds de la sécurité sociale {which}"


def step_threshold_ok(raam: Decimal, threshold: Decimal, fraction: Decimal, years: Sequence[int]) -> str:
    return (f"Seuil d'accès : {_threshold_rule(fraction, years)} = {euros(threshold)} ; "
            f"votre revenu retenu ({euros(raam)}) le dépasse.")


def step_threshold_ko(raam: Decimal, threshold: Decimal, fraction: Decimal, years: Sequence[int]) -> str:
    return (f"Seuil d'accès : {_threshold_rule(fraction, years)} = {euros(threshold)} ; "
            f"votre revenu retenu ({euros(raam)}) est en dessous : pas d'indemnités journalières.")


def step_division(raam: Decimal, divisor: Decimal, daily: Decimal) -> str:
    return f"Calcul : {euros(raam)} ÷ {format_number(divisor, 0)} = {format_euros(daily)} par jour."


def _cap_rule(multiple: Decimal) -> str:
    if multiple == 1:
        return "plafond de la sécurité sociale"
    return f"{format_number(multiple, 0)} plafonds de la sécurité sociale"


def step_cap_applied(year: int, multiple: Decimal, pass_value: Decimal, divisor: Decimal, cap: Decimal) -> str:
    return (f"Maximum {year} : {_cap_rule(multiple)} (plafond {euros(pass_value)}) ÷ {format_number(divisor, 0)} = "
            f"{format_euros(cap)} par jour : l'indemnité est ramenée à ce maximum.")


def step_cap_ok(year: int, multiple: Decimal, divisor: Decimal, cap: Decimal) -> str:
    return (f"C'est sous le maximum {year} de {format_euros(cap)} par jour "
            f"({_cap_rule(multiple)} ÷ {format_number(divisor, 0)}).")


def step_conjoint(year: int, fraction: Decimal, pass_value: Decimal, divisor: Decimal, daily: Decimal) -> str:
    return (f"Conjoint collaborateur : indemnité forfaitaire = {format_percent(fraction)} du plafond de la sécurité "
            f"sociale {year} ({euros(pass_value)}) ÷ {format_number(divisor, 0)} = {format_euros(daily)} par jour, "
            "quel que soit le revenu.")


def step_tpt(full: Decimal, factor: Decimal, reduced: Decimal, max_days: int, max_days_ald: int) -> str:
    return (f"Temps partiel thérapeutique : indemnité réduite de moitié, {format_euros(full)} × {format_percent(factor)} "
            f"= {format_euros(reduced)} par jour, {max_days} jours au plus ({max_days_ald} en affection de longue durée).")


def _sections_paying(sections: Iterable[Section], paying: bool) -> str:
    codes = [s.code for s in sections if s.pays_after_day_90 == paying]
    return ", ".join(codes[:-1]) + f" et {codes[-1]}" if len(codes) > 1 else "".join(codes)


def step_liberal(section: Optional[Section], last_paid_day: int, sections: Iterable[Section]) -> str:
    base = f"Profession libérale (CNAVPL) : versement par la CPAM jusqu'au {ordinal(last_paid_day)} jour d'arrêt."
    sections = list(sections)
    if section is None:
        return base + (f" Ensuite, cela dépend de votre caisse : {_sections_paying(sections, True)} prennent le relais "
                       f"à partir du {ordinal(last_paid_day + 1)} jour ; les autres ({_sections_paying(sections, False)}) "
                       "ne versent rien au-delà.")
    if section.pays_after_day_90:
        return base + f" Ensuite, la {section.label} peut prendre le relais à partir du {ordinal(last_paid_day + 1)} jour."
    return base + f" Au-delà, la {section.label} ne verse pas d'indemnités journalières."


def step_liberal_unknown_caisse() -> str:
    return ("Si vous êtes un libéral non réglementé affilié au régime général (et non à une caisse de la "
            "CNAVPL), ce sont les règles des artisans et commerçants qui s'appliquent (maximum d'un seul "
            "plafond, sans limite de 90 jours).")


def step_waiting(rule: WaitingRule, first: Optional[int], leave: dt.date, hospitalisation: bool) -> str:
    if rule.first_paid_day == 1 and not rule.depends_on_length:
        return ("Arrêt pendant l'état d'urgence sanitaire de 2020 : pas de jour de carence, versement dès le 1er jour "
                "(règle à confirmer auprès de votre CPAM).")
    if not rule.depends_on_length:
        assert first is not None
        same = " ; une hospitalisation n'y change rien" if hospitalisation else ""
        return f"Versement à partir du {ordinal(first)} jour d'arrêt ({plural(first - 1, 'jour')} de carence{same})."
    long_first = ordinal(rule.first_paid_day_long_or_hospital or 0)
    general = (f"Règle pour un arrêt débutant le {date_fr(leave)} : versement à partir du {long_first} jour si l'arrêt "
               f"dure plus de {rule.long_leave_over_days} jours ou en cas d'hospitalisation, sinon à partir du "
               f"{ordinal(rule.first_paid_day)} jour")
    if first is None:
        return general + "."
    why = "hospitalisation" if hospitalisation and first == rule.first_paid_day_long_or_hospital else (
        f"arrêt de plus de {rule.long_leave_over_days} jours" if first == rule.first_paid_day_long_or_hospital
        else f"arrêt de {rule.long_leave_over_days} jours ou moins")
    return general + f" ; ici ({why}) : à partir du {ordinal(first)} jour."


def step_tpt_days() -> str:
    return "Le temps partiel thérapeutique suit un arrêt déjà indemnisé : pas de nouvelle carence."


def step_total(leave_days: int, paid_days: int, daily: Decimal, total: Decimal) -> str:
    if paid_days == 0:
        return f"Arrêt de {plural(leave_days, 'jour')} : aucun jour indemnisé, donc rien à verser pour cet arrêt."
    return (f"Arrêt de {plural(leave_days, 'jour')} : {plural(paid_days, 'jour')} indemnisé{'s' if paid_days > 1 else ''} "
            f"× {format_euros(daily)} = {format_euros(total)} brut.")


def note_max_days(max_days: int, period_years: int, ald_years: int) -> str:
    return (f"Au plus {max_days} jours d'indemnités sur {period_years} ans (jusqu'à {ald_years} ans en affection "
            "de longue durée).")


def note_retiree(max_days: int) -> str:
    return (f"Retraité en cumul emploi-retraite : {max_days} jours d'indemnités au plus pour toute la durée de la retraite "
            "(à partir de l'âge légal).")


def note_retiree_status() -> str:
    return ("Calcul fait avec les règles des artisans et commerçants ; si vous êtes micro-entrepreneur, refaites le "
            "calcul en le précisant : il part alors de votre chiffre d'affaires.")


def note_partial_years(count: int, reference_years: int) -> str:
    return (f"Vous avez donné {plural(count, 'année')} de revenus : pendant les {reference_years} premières années "
            "d'activité, la CPAM rapporte vos revenus à votre durée d'activité ; le résultat est donc approché.")


def note_average_floor(fraction: Decimal) -> str:
    return (f"Avec un revenu moyen seulement, le minimum de {format_percent(fraction)} est appliqué à la moyenne des "
            "plafonds ; donnez vos revenus année par année pour un calcul plus précis.")


# --- reasons --------------------------------------------------------------------------------

def reason_below_threshold(raam: Decimal, threshold: Decimal, fraction: Decimal, years: Sequence[int]) -> str:
    return (f"votre revenu retenu ({euros(raam)}) est inférieur au seuil de {euros(threshold)} "
            f"({_threshold_rule(fraction, years)}).")


def reason_liberal_before(start: dt.date, sections: Iterable[Section]) -> str:
    return (f"avant le {date_fr(start)}, les professions libérales n'avaient pas d'indemnités journalières de la CPAM ; "
            f"seules certaines caisses ({_sections_paying(sections, True)}) versaient des indemnités après 90 jours "
            "d'arrêt.")


def reason_retiree(start: dt.date, max_days: int) -> str:
    return (f"pour un arrêt commencé avant le {date_fr(start)}, un retraité qui poursuivait une activité indépendante "
            f"n'avait pas droit aux indemnités journalières (depuis, c'est possible pendant {max_days} jours au total).")


def reason_date(first_year: int, last_year: int) -> str:
    return (f"je connais les règles pour les arrêts qui commencent entre le 1er janvier {first_year} et le "
            f"31 décembre {last_year} seulement.")


# --- final answer ---------------------------------------------------------------------------

def render_answer(result: IJResult, params: IJParams) -> str:
    """The message sent to the user: amount first, then how, then what to know and do."""
    lines: list[str] = []
    if result.eligible:
        lines.append(f"Indemnités journalières estimées : {format_euros(result.daily_amount)} brut par jour.")
    elif result.reason is Reason.LAWYER:
        lines.append(result.reason_text)
    else:
        lines.append(f"Pas d'indemnités journalières dans votre situation : {result.reason_text}")
    if result.steps:
        lines.append("Détail du calcul :")
        lines.extend(f"- {step}" for step in result.steps)
    lines.extend(f"- {note}" for note in result.notes)
    if lines[-1].startswith("- "):
        lines.append("")  # ends the list: Markdown renderers (web widget) would glue what follows to it
    if result.eligible:
        lines.append(
            f"Montant brut : la CSG ({format_number(params.csg_rate, 1)} %) et la CRDS "
            f"({format_number(params.crds_rate, 1)} %) sont prélevées. {params.reference_text}")
    if result.reason is not Reason.LAWYER:
        lines.append(f"Conditions : {params.conditions_summary}")
        lines.append(params.declaration_text)
    return "\n".join(lines)


# --- messages of the form -------------------------------------------------------------------

def amount_error_message(kind: AmountErrorKind, max_amount: Decimal) -> str:
    """Why an income cannot be used, and how to give it again (the question follows)."""
    if kind is AmountErrorKind.NEGATIVE:
        return ("Un revenu ne peut pas être négatif : si vous avez été en déficit une année, comptez 0 € pour "
                "cette année-là.")
    if kind is AmountErrorKind.TOO_LARGE:
        return (f"Ce montant me paraît trop élevé (plus de {euros(max_amount)} par an). Pouvez-vous le vérifier, "
                "par exemple « 42 000 € » ?")
    if kind is AmountErrorKind.TOO_MANY:
        return ("Donnez-moi soit votre revenu annuel moyen, soit les revenus des 3 dernières années, par exemple "
                "« 25 000, 30 000 et 35 000 ».")
    return "Je n'ai pas pu lire ce montant : écrivez-le en chiffres, par exemple « 25 000 € » ou « 25k »."


def activity_before_status_message(activity_label: str) -> str:
    return (f"Noté : {activity_label}. Pour le calcul, il me faut aussi votre statut : "
            "micro-entrepreneur (auto-entrepreneur), commerçant ou artisan au régime réel, profession libérale… ?")


def invalid_choice_message(what: str) -> str:
    return f"Je n'ai pas reconnu {what}. Choisissez une des réponses proposées."


def missing_information_message() -> str:
    return ("Il me manque une information pour faire le calcul (votre statut, votre revenu ou, pour un "
            "micro-entrepreneur, votre type d'activité). Redemandez-moi « combien je toucherai en arrêt maladie ».")
