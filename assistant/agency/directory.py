"""Who a self-employed worker contacts, by département, status and theme, and how to say it.

Since 2020 independents belong to the régime général, so the answer is the set of organismes
everybody has (Urssaf for contributions, CPAM for health, Carsat or its equivalent for the
pension), with two twists: liberal professions keep their own pension fund (a CNAVPL section
or the CNBF), and people holding letters from the former SSI (ex-RSI) still need its regional
agency's name to make sense of them. All names, phones and sites come from
knowledge/agencies/; this module only chooses among them.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from assistant.agency.cases import SpecialCase, case_by_id
from assistant.agency.places import is_departement, name_of
from assistant.agency.themes import Theme
from assistant.knowledge import load_yaml, require_provenance
from assistant.statuses import Status

ROLE_FILES = {Theme.COTISATIONS: "agencies/cotisations.yml", Theme.SANTE: "agencies/sante.yml",
              Theme.RETRAITE: "agencies/retraite.yml"}
NETWORKS_FILE = "agencies/reseaux.yml"
SSI_FILE = "agencies/ssi.yml"
ROLE_LABELS = {Theme.COTISATIONS: "Cotisations", Theme.SANTE: "Santé", Theme.RETRAITE: "Retraite"}
ROLE_ORDER = (Theme.COTISATIONS, Theme.SANTE, Theme.RETRAITE)
REGIME_GENERAL = "regime_general"
# Statuses whose pension may be with a CNAVPL section rather than the Carsat.
LIBERAL_STATUSES = {Status.PROFESSION_LIBERALE, Status.MICRO_ENTREPRENEUR}


@dataclass(frozen=True)
class Network:
    key: str
    phone: Optional[str]
    website: Optional[str]
    micro_entrepreneur_website: Optional[str] = None
    uncertain: Optional[str] = None


@dataclass(frozen=True)
class LocalOrganisme:
    """One line of sante.yml, cotisations.yml or retraite.yml."""
    name: str
    network: str
    departements: tuple[str, ...]
    remark: Optional[str] = None
    uncertain: Optional[str] = None


@dataclass(frozen=True)
class FormerAgency:
    key: str
    name: str
    departements: tuple[str, ...]
    remark: Optional[str] = None
    uncertain: Optional[str] = None


@dataclass(frozen=True)
class Organisme:
    """What the user should contact for one role. Several names when the département has
    several CPAM (Nord…): which one depends on the commune, so all are given."""
    role: Theme
    names: tuple[str, ...]
    phone: Optional[str]
    website: Optional[str]
    remarks: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return " / ".join(self.names)


@dataclass(frozen=True)
class AgencyAnswer:
    departement: Optional[str]
    departement_name: Optional[str]
    organismes: tuple[Organisme, ...]
    former_ssi_agency: Optional[str]
    remarks: tuple[str, ...] = ()
    # Not shown to users: what the data marks as unverified, for support agents and tests.
    uncertain: tuple[str, ...] = field(default=(), compare=False)

    def organisme(self, role: Theme) -> Optional[Organisme]:
        return next((o for o in self.organismes if o.role is role), None)


@dataclass(frozen=True)
class _Directory:
    networks: dict[str, Network]
    by_role: dict[Theme, dict[str, tuple[LocalOrganisme, ...]]]
    liberal_funds: dict[str, LocalOrganisme]
    agencies: dict[str, FormerAgency]
    agency_by_departement: dict[str, FormerAgency]
    liberal_agency: str
    liberal_agency_exempt: frozenset[str]
    no_agency: dict[str, str]


def _load(relative: str) -> dict:
    data = load_yaml(relative)
    require_provenance(data, relative)
    return data


@functools.lru_cache(maxsize=1)
def _directory() -> _Directory:
    networks = {
        key: Network(key, entry.get("telephone"), entry.get("site"), entry.get("micro_entrepreneur_site"),
                     entry.get("uncertain"))
        for key, entry in _load(NETWORKS_FILE)["reseaux"].items()
    }
    by_role: dict[Theme, dict[str, tuple[LocalOrganisme, ...]]] = {}
    for role, relative in ROLE_FILES.items():
        data = _load(relative)
        default = data["reseau_par_defaut"]
        index: dict[str, list[LocalOrganisme]] = defaultdict(list)
        for entry in data["organismes"]:
            organisme = LocalOrganisme(entry["nom"], entry.get("reseau", default), tuple(entry["departements"]),
                                       entry.get("remarque"), entry.get("uncertain"))
            for dep in organisme.departements:
                index[dep].append(organisme)
        by_role[role] = {dep: tuple(items) for dep, items in index.items()}
    liberal_funds = {
        code: LocalOrganisme(entry["nom"], entry["reseau"], (), entry.get("remarque"), entry.get("uncertain"))
        for code, entry in _load(ROLE_FILES[Theme.RETRAITE])["caisses_liberales"].items()
    }
    ssi = _load(SSI_FILE)
    agencies = {
        key: FormerAgency(key, entry["nom"], tuple(entry["departements"]), entry.get("remarque"), entry.get("uncertain"))
        for key, entry in ssi["agences"].items()
    }
    agency_by_dep = {dep: agency for agency in agencies.values() for dep in agency.departements}
    return _Directory(
        networks=networks,
        by_role=by_role,
        liberal_funds=liberal_funds,
        agencies=agencies,
        agency_by_departement=agency_by_dep,
        liberal_agency=ssi["professions_liberales"]["agence"],
        liberal_agency_exempt=frozenset(ssi["professions_liberales"]["sauf_departements"]),
        no_agency={str(k): v for k, v in ssi.get("sans_agence", {}).items()},
    )


def _contact(role: Theme, locals_: tuple[LocalOrganisme, ...], status: Optional[Status],
             uncertain: list[str]) -> Organisme:
    directory = _directory()
    network = directory.networks[locals_[0].network]
    remarks = [o.remark for o in locals_ if o.remark]
    if len(locals_) > 1:
        remarks.insert(0, "La caisse dépend de votre commune : c'est l'une de celles-ci.")
    if role is Theme.COTISATIONS and network.micro_entrepreneur_website and status in (None, Status.MICRO_ENTREPRENEUR):
        prefix = "Micro-entrepreneur" if status is None else "En micro-entreprise"
        remarks.append(f"{prefix} : déclarez et payez sur {network.micro_entrepreneur_website}")
    uncertain += [u for u in [network.uncertain, *(o.uncertain for o in locals_)] if u]
    return Organisme(role, tuple(o.name for o in locals_), network.phone, network.website, tuple(remarks))


def _liberal_pension(caisse: Optional[str], status: Optional[Status], uncertain: list[str]) -> Optional[Organisme]:
    """The CNAVPL section or the CNBF, when the user's profession has one."""
    if status not in LIBERAL_STATUSES or not caisse or caisse == REGIME_GENERAL:
        return None
    fund = _directory().liberal_funds.get(caisse)
    if fund is None:
        return None
    network = _directory().networks[fund.network]
    uncertain += [u for u in (network.uncertain, fund.uncertain) if u]
    return Organisme(Theme.RETRAITE, (fund.name,), network.phone, network.website,
                     tuple(r for r in (fund.remark,) if r))


def _former_agency(departement: Optional[str], status: Optional[Status], case: Optional[SpecialCase],
                   uncertain: list[str]) -> tuple[Optional[str], list[str]]:
    directory = _directory()
    remarks: list[str] = []
    agency: Optional[FormerAgency] = None
    if case is not None and case.former_agency:
        agency = directory.agencies[case.former_agency]
    elif departement in directory.no_agency:
        uncertain.append(directory.no_agency[departement])
        return None, remarks
    elif status is Status.PROFESSION_LIBERALE and departement not in directory.liberal_agency_exempt:
        agency = directory.agencies[directory.liberal_agency]
    elif departement:
        agency = directory.agency_by_departement.get(departement)
    if agency is None:
        return None, remarks
    if agency.uncertain:
        uncertain.append(agency.uncertain)
    if agency.remark and case is None:
        remarks.append(agency.remark)
    name = agency.name + (" (répartition à confirmer)" if agency.uncertain and agency.departements else "")
    return name, remarks


def needs_departement(case: Optional[str]) -> bool:
    """Everybody is attached by address, except volunteers living abroad (no French address)."""
    special = case_by_id(case)
    return special is None or special.needs_departement


def needs_status(theme: Optional[Theme], case: Optional[str]) -> bool:
    """The status only changes the answer for the pension (liberals have their own fund), so
    it is worth a question when the pension or everything is asked, not for the CPAM or the
    Urssaf."""
    return needs_departement(case) and theme in (None, Theme.RETRAITE)


def find_contacts(departement: Optional[str], status: Optional[Status] = None, theme: Optional[Theme] = None,
                  caisse: Optional[str] = None, case: Optional[str] = None) -> AgencyAnswer:
    """The organismes for one person: all three roles, or only ``theme``'s.

    ``caisse`` is the CNAVPL section (or "CNBF", "regime_general") found with the status;
    ``case`` is the id of a special case of knowledge/agencies/cas_particuliers.yml.
    Raises ValueError for an unknown département when the case needs one.
    """
    special = case_by_id(case)
    needs_departement = special is None or special.needs_departement
    if needs_departement and not is_departement(departement):
        raise ValueError(f"unknown département: {departement!r}")
    if not needs_departement:
        departement = None
    directory = _directory()
    uncertain: list[str] = []
    organismes: list[Organisme] = []
    roles = [theme] if theme else list(ROLE_ORDER)
    for role in roles:
        if role is Theme.RETRAITE:
            liberal = _liberal_pension(caisse, status, uncertain)
            if liberal is not None:
                organismes.append(liberal)
                continue
        if departement is None:
            if role is Theme.RETRAITE:
                network = directory.networks["cnav"]
                organismes.append(Organisme(role, ("L'Assurance retraite (Cnav)",), network.phone, network.website))
            continue
        locals_ = directory.by_role[role].get(departement)
        if locals_:
            organismes.append(_contact(role, locals_, status, uncertain))
    former, remarks = _former_agency(departement, status, special, uncertain)
    if special is not None:
        remarks.insert(0, special.remark)
        if special.uncertain:
            uncertain.append(special.uncertain)
    if status is Status.PROFESSION_LIBERALE and not caisse and (theme in (None, Theme.RETRAITE)):
        remarks.append("Profession libérale réglementée : votre retraite est gérée par votre section de la CNAVPL "
                       "(Cipav, CARMF, CARPIMKO…) ou par la CNBF si vous êtes avocat ; sinon, par l'organisme ci-dessus.")
    return AgencyAnswer(
        departement=departement,
        departement_name=name_of(departement) if departement else None,
        organismes=tuple(organismes),
        former_ssi_agency=former,
        remarks=tuple(remarks),
        uncertain=tuple(dict.fromkeys(uncertain)),
    )


def render(answer: AgencyAnswer) -> str:
    """French, for any channel: short lines, bare URLs, no markdown."""
    lines: list[str] = []
    if answer.departement:
        lines.append(f"Pour le département {answer.departement_name} ({answer.departement}) :")
    else:
        lines.append("Vos contacts :")
    for organisme in answer.organismes:
        label = ROLE_LABELS[organisme.role]
        if len(organisme.names) == 1:
            lines.append(f"{label} : {organisme.names[0]}")
        else:
            lines.append(f"{label} :")
            lines.extend(organisme.names)
        if organisme.phone:
            lines.append(f"Tél. {organisme.phone}")
        if organisme.website:
            lines.append(organisme.website)
        lines.extend(organisme.remarks)
    lines.extend(answer.remarks)
    if answer.former_ssi_agency:
        lines.append(f"Ancienne agence SSI (ex-RSI) : {answer.former_ssi_agency}. "
                     "Pour vos anciens courriers, adressez-vous aujourd'hui aux organismes ci-dessus.")
    return "\n".join(lines)


def covered_departements(role: Theme) -> set[str]:
    """Départements that have an organisme for ``role`` (for the data tests)."""
    return set(_directory().by_role[role])


def former_agencies() -> dict[str, FormerAgency]:
    return dict(_directory().agencies)


def liberal_fund_codes() -> set[str]:
    return set(_directory().liberal_funds)
