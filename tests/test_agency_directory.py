"""The directory: complete reference data, the seed's exceptions, liberals, Nord, Île-de-France,
and an answer that reads well on any channel."""
import re

import pytest

from assistant.agency import directory
from assistant.agency.directory import find_contacts, needs_departement, needs_status, render
from assistant.agency.geography import geography
from assistant.agency.themes import Theme, parse_theme
from assistant.agency.cases import parse_case, special_cases
from assistant.knowledge import load_yaml, require_provenance
from assistant.statuses import Status

DEPARTEMENTS = geography().main_departement_codes()
KNOWLEDGE_FILES = ["agencies/reseaux.yml", "agencies/sante.yml", "agencies/cotisations.yml", "agencies/retraite.yml",
                   "agencies/ssi.yml", "agencies/cas_particuliers.yml", "agencies/themes.yml", "places/lieux.yml"]
# The seed's regional agency selector (secu-independants.fr), button by button.
SEED_AGENCIES = {
    "Agence professions libérales", "Alpes", "Alsace", "Antilles-Guyane", "Aquitaine", "Auvergne", "Basse-Normandie",
    "Bourgogne", "Bretagne", "Centre Val-de-Loire", "Champagne-Ardenne", "Corse", "Côte d'Azur", "Franche-Comté",
    "Haute-Normandie", "Île-de-France Centre", "Île-de-France Est", "Île-de-France Ouest", "Languedoc-Roussillon",
    "Limousin", "Lorraine", "Midi-Pyrénées", "Nord Pas-de-Calais", "Pays de la Loire", "Picardie", "Poitou-Charentes",
    "Provence-Alpes", "Réunion", "Rhône",
}
# The checked Carsat table of /work/shared/reference/ij-and-agencies.md, for spot checks.
CARSAT = {"57": "Carsat Alsace-Moselle", "33": "Carsat Aquitaine", "63": "Carsat Auvergne",
          "90": "Carsat Bourgogne-Franche-Comté", "29": "Carsat Bretagne", "45": "Carsat Centre-Val de Loire",
          "87": "Carsat Centre-Ouest", "92": "Cnav Île-de-France", "48": "Carsat Languedoc-Roussillon",
          "31": "Carsat Midi-Pyrénées", "54": "Carsat Nord-Est", "59": "Carsat Hauts-de-France", "76": "Carsat Normandie",
          "85": "Carsat Pays de la Loire", "69": "Carsat Rhône-Alpes", "2A": "Carsat Sud-Est", "83": "Carsat Sud-Est"}


@pytest.mark.parametrize("relative", KNOWLEDGE_FILES)
def test_every_file_has_its_provenance(relative):
    data = load_yaml(relative)
    require_provenance(data, relative)
    assert str(data["checked"]) == "2026-11-23"


@pytest.mark.parametrize("role", list(Theme))
def test_every_departement_has_an_organisme_for_every_role(role):
    assert set(DEPARTEMENTS) <= directory.covered_departements(role)


@pytest.mark.parametrize("code", DEPARTEMENTS)
def test_every_departement_gets_a_full_answer(code):
    answer = find_contacts(code)
    assert [o.role for o in answer.organismes] == [Theme.COTISATIONS, Theme.SANTE, Theme.RETRAITE]
    assert all(o.names and o.website and o.website.startswith("https://") for o in answer.organismes)
    if code != "976":
        assert answer.former_ssi_agency


def test_one_organisme_per_role_except_the_known_multi_cpam_departements():
    multi = {code for code in DEPARTEMENTS if len(find_contacts(code, theme=Theme.SANTE).organismes[0].names) > 1}
    assert multi == {"59", "62", "64", "76"}
    for role in (Theme.COTISATIONS, Theme.RETRAITE):
        assert all(len(find_contacts(code, theme=role).organismes[0].names) == 1 for code in DEPARTEMENTS)


def test_nord_lists_its_four_cpam():
    sante = find_contacts("59", theme=Theme.SANTE).organisme(Theme.SANTE)
    assert set(sante.names) == {"CPAM de Lille-Douai", "CPAM de Roubaix-Tourcoing", "CPAM des Flandres", "CPAM du Hainaut"}
    assert sante.phone == "36 46"
    text = render(find_contacts("59", theme=Theme.SANTE))
    assert "Lille-Douai" in text and "Hainaut" in text and "commune" in text


def test_pas_de_calais_has_two_cpam():
    assert set(find_contacts("62").organisme(Theme.SANTE).names) == {"CPAM de l'Artois", "CPAM de la Côte d'Opale"}


@pytest.mark.parametrize("code, cpam, urssaf", [
    ("57", "CPAM de la Moselle", "Urssaf Lorraine"),
    ("75", "CPAM de Paris", "Urssaf Île-de-France"),
    ("14", "CPAM du Calvados", "Urssaf Normandie"),
    ("76", "CPAM du Havre", "Urssaf Normandie"),
    ("2B", "CPAM de la Haute-Corse", "Urssaf Corse"),
    ("48", "CCSS de la Lozère (caisse commune de sécurité sociale)", "CCSS de la Lozère (caisse commune de sécurité sociale)"),
    ("971", "CGSS de la Guadeloupe", "CGSS de la Guadeloupe"),
    ("974", "CGSS de La Réunion", "CGSS de La Réunion"),
    ("976", "CSS de Mayotte (caisse de sécurité sociale)", "CSS de Mayotte (caisse de sécurité sociale)"),
])
def test_health_and_contribution_funds(code, cpam, urssaf):
    answer = find_contacts(code)
    assert cpam in answer.organisme(Theme.SANTE).names
    assert answer.organisme(Theme.COTISATIONS).names == (urssaf,)


@pytest.mark.parametrize("code, carsat", sorted(CARSAT.items()))
def test_pension_funds_follow_the_checked_carsat_table(code, carsat):
    assert find_contacts(code, theme=Theme.RETRAITE).organismes[0].names == (carsat,)


def test_phones_and_sites_of_the_networks():
    answer = find_contacts("57")
    assert (answer.organisme(Theme.COTISATIONS).phone, answer.organisme(Theme.COTISATIONS).website) == ("3698", "https://www.urssaf.fr")
    assert (answer.organisme(Theme.SANTE).phone, answer.organisme(Theme.SANTE).website) == ("36 46", "https://www.ameli.fr")
    assert (answer.organisme(Theme.RETRAITE).phone, answer.organisme(Theme.RETRAITE).website) == ("39 60", "https://www.lassuranceretraite.fr")


def test_ile_de_france_three_former_agencies_and_the_cnav():
    expected = {"75": "Centre", "93": "Centre", "77": "Est", "91": "Est", "94": "Est", "78": "Ouest", "92": "Ouest", "95": "Ouest"}
    for code, part in expected.items():
        answer = find_contacts(code)
        assert answer.former_ssi_agency == f"Île-de-France {part}"
        assert answer.organisme(Theme.RETRAITE).names == ("Cnav Île-de-France",)
        assert answer.organisme(Theme.COTISATIONS).names == ("Urssaf Île-de-France",)


def test_all_seed_agencies_are_known_and_cover_every_departement_once():
    agencies = directory.former_agencies()
    assert SEED_AGENCIES <= {a.name for a in agencies.values()}
    covered = [dep for a in agencies.values() for dep in a.departements]
    assert len(covered) == len(set(covered))
    assert set(DEPARTEMENTS) - set(covered) == {"976"}


def test_liberals_keep_their_section_for_the_pension():
    answer = find_contacts("69", Status.PROFESSION_LIBERALE, caisse="CARPIMKO")
    retraite = answer.organisme(Theme.RETRAITE)
    assert retraite.names[0].startswith("CARPIMKO") and retraite.website == "https://www.carpimko.com"
    assert answer.organisme(Theme.SANTE).names == ("CPAM du Rhône",)
    assert find_contacts("33", Status.PROFESSION_LIBERALE, Theme.RETRAITE, "CNBF").organismes[0].names[0].startswith("CNBF")
    cipav = find_contacts("13", Status.MICRO_ENTREPRENEUR, Theme.RETRAITE, "CIPAV").organismes[0]
    assert cipav.names[0].startswith("Cipav") and any("Urssaf" in r for r in cipav.remarks)


def test_non_regulated_liberals_and_artisans_go_to_the_carsat():
    assert find_contacts("69", Status.PROFESSION_LIBERALE, Theme.RETRAITE, "regime_general").organismes[0].names == ("Carsat Rhône-Alpes",)
    assert find_contacts("69", Status.ARTISAN, Theme.RETRAITE, "CARMF").organismes[0].names == ("Carsat Rhône-Alpes",)


def test_liberal_without_known_section_is_told_where_to_look():
    text = render(find_contacts("69", Status.PROFESSION_LIBERALE))
    assert "CNAVPL" in text and "CNBF" in text


def test_liberals_had_their_own_former_agency_except_in_the_dom():
    assert find_contacts("69", Status.PROFESSION_LIBERALE).former_ssi_agency == "Agence professions libérales"
    assert find_contacts("971", Status.PROFESSION_LIBERALE).former_ssi_agency == "Antilles-Guyane"
    assert find_contacts("973", Status.PROFESSION_LIBERALE).former_ssi_agency == "Antilles-Guyane"
    assert find_contacts("974", Status.PROFESSION_LIBERALE).former_ssi_agency == "Réunion"
    assert find_contacts("974", Status.ARTISAN).former_ssi_agency == "Réunion"


def test_dom_liberal_gets_dom_funds_and_section():
    answer = find_contacts("972", Status.PROFESSION_LIBERALE, caisse="CARPIMKO")
    assert answer.organisme(Theme.SANTE).names == ("CGSS de la Martinique",)
    assert answer.organisme(Theme.RETRAITE).names[0].startswith("CARPIMKO")


def test_every_liberal_caisse_of_the_status_lexicon_has_a_fund():
    caisses = {p["caisse"] for p in load_yaml("statuses.yml")["professions_liberales"].values()} - {"regime_general"}
    assert caisses <= directory.liberal_fund_codes()


def test_exception_river_navigation():
    case = parse_case("je suis batelier sur la Seine")
    assert case.id == "navigation_fluviale" and needs_departement(case.id)
    answer = find_contacts("67", Status.ARTISAN, case=case.id)
    assert answer.former_ssi_agency == "Île-de-France Centre"
    assert answer.organisme(Theme.COTISATIONS).names == ("Urssaf Alsace",)
    assert any("navigation fluviale" in r for r in answer.remarks)


def test_exception_volunteers_abroad_need_no_departement():
    case = parse_case("je cotise à l'assurance volontaire et je vis à l'étranger")
    assert case.id == "volontaire_etranger"
    assert not needs_departement(case.id) and not needs_status(None, case.id)
    answer = find_contacts(None, case=case.id)
    assert answer.departement is None
    assert answer.former_ssi_agency == "Île-de-France Ouest"
    assert "lassuranceretraite.fr" in render(answer)


def test_exception_living_abroad_working_in_france():
    case = parse_case("j'habite en Belgique et je travaille en France")
    assert case.id == "residence_etranger" and needs_departement(case.id)
    assert any("adresse professionnelle" in r for r in find_contacts("59", case=case.id).remarks)


def test_saint_pierre_et_miquelon():
    answer = find_contacts("975")
    assert answer.former_ssi_agency.startswith("Île-de-France Centre")
    assert all("Saint-Pierre-et-Miquelon" in o.names[0] for o in answer.organismes)
    assert answer.uncertain


def test_cases_are_not_triggered_by_ordinary_sentences():
    for text in ("de quelle agence je dépends ?", "je suis volontaire pour aider", "je suis artisan à Metz", "bonjour"):
        assert parse_case(text) is None, text
    assert {c.id for c in special_cases()} == {"navigation_fluviale", "volontaire_etranger", "residence_etranger"}


@pytest.mark.parametrize("text, theme", [
    ("quelle est ma CPAM ?", Theme.SANTE),
    ("à qui écrire pour ma retraite", Theme.RETRAITE),
    ("quelle urssaf pour moi", Theme.COTISATIONS),
    ("qui me rembourse mes soins ?", Theme.SANTE),
    ("ma carsat", Theme.RETRAITE),
    ("je suis retraité, quelle est ma CPAM ?", Theme.SANTE),
    ("je suis retraité, de quelle agence je dépends ?", None),
    ("mes cotisations et ma retraite", None),
    ("de quelle agence je dépends ?", None),
])
def test_theme(text, theme):
    assert parse_theme(text) == theme


def test_status_is_only_needed_when_it_changes_the_answer():
    assert needs_status(None, None) and needs_status(Theme.RETRAITE, None)
    assert not needs_status(Theme.SANTE, None) and not needs_status(Theme.COTISATIONS, None)


def test_theme_restricts_the_answer_to_one_organisme_and_keeps_the_former_agency():
    answer = find_contacts("83", Status.ARTISAN, Theme.COTISATIONS)
    assert [o.role for o in answer.organismes] == [Theme.COTISATIONS]
    text = render(answer)
    assert "Urssaf Provence-Alpes-Côte d'Azur" in text and "Ancienne agence SSI" in text and "Côte d'Azur" in text
    assert "CPAM" not in text


def test_micro_entrepreneurs_are_sent_to_their_site():
    text = render(find_contacts("14", Status.MICRO_ENTREPRENEUR, Theme.COTISATIONS))
    assert "https://www.autoentrepreneur.urssaf.fr" in text
    assert "autoentrepreneur" not in render(find_contacts("14", Status.ARTISAN, Theme.COTISATIONS))


@pytest.mark.parametrize("code", ["57", "59", "972", "975", "2A"])
def test_render_is_channel_friendly(code):
    text = render(find_contacts(code, Status.PROFESSION_LIBERALE))
    assert not re.search(r"[*_`#]|\]\(|<a ", text), text
    assert all(len(line) <= 220 for line in text.splitlines())
    urls = re.findall(r"https?://\S+", text)
    assert urls and all(not url.endswith((".", ",", ")", ";")) for url in urls)
    assert text.splitlines()[0].startswith("Pour le département")


def test_unknown_departement_is_refused():
    with pytest.raises(ValueError):
        find_contacts("99")
    with pytest.raises(ValueError):
        find_contacts(None)


def test_uncertain_mappings_are_reported_not_hidden():
    assert find_contacts("13").uncertain  # Provence-Alpes / Côte d'Azur split
    assert "à confirmer" in find_contacts("06").former_ssi_agency
    assert find_contacts("57").former_ssi_agency == "Lorraine"
