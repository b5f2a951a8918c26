"""Report of the questions the assistant did not answer (``make report``).

    python -m support.report [--db var/tracker.db | --db postgresql://… | --endpoints endpoints.prod.yml]
                             [--threshold 0.3] [--since 2026-11-01] [--top 15] [--output-dir var/reports]

Reads the ``events`` table of Rasa's SQLTrackerStore (SQLite by default, any SQLAlchemy URL,
or the tracker_store section of an endpoints file with its ${ENV} variables) one
conversation at a time, and writes ``questions-sans-reponse.csv`` and a self-contained
``questions-sans-reponse.html`` (inline SVG chart, nothing fetched) with the groups of
unanswered questions, most frequent first. See ``support.unanswered`` for what counts.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import itertools
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # Rasa 3.6 pins SQLAlchemy 1.4

import sqlalchemy as sa  # noqa: E402
import yaml  # noqa: E402

from support.unanswered import QuestionGroup, UnansweredMessage, fallback_threshold, group, unanswered_in  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "var" / "tracker.db"
DEFAULT_OUTPUT = ROOT / "var" / "reports"
BASENAME = "questions-sans-reponse"
# The report only needs what the user said and how the bot reacted.
EVENT_TYPES = ("user", "action", "bot")
CSV_HEADERS = ("texte normalisé", "occurrences", "conversations", "intention prédite", "confiance moyenne",
               "raisons", "exemples", "dernière occurrence")


@dataclass(frozen=True)
class Report:
    source: str  # the database, password hidden
    threshold: float
    since: Optional[dt.date]
    user_messages: int
    unanswered: int
    groups: list[QuestionGroup]


_ENV_VARIABLE = re.compile(r"\$\{(\w+)\}")


def tracker_store_config(endpoints: Path) -> dict:
    """The tracker_store section of an endpoints file, its ${VAR} expanded from the
    environment. Only this section: the report needs no action server or lock store
    variables (Rasa's own reader would require them all)."""
    section = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get("tracker_store")
    if not isinstance(section, dict):
        raise ValueError(f"{endpoints} : pas de section tracker_store")

    def expand(value):
        if not isinstance(value, str):
            return value
        missing = [name for name in _ENV_VARIABLE.findall(value) if name not in os.environ]
        if missing:
            raise ValueError(f"{endpoints} : variable(s) d'environnement manquante(s) : {', '.join(missing)}")
        return _ENV_VARIABLE.sub(lambda match: os.environ[match.group(1)], value)

    return {key: expand(value) for key, value in section.items()}


def database_url(db: Optional[str] = None, endpoints: Optional[Path] = None) -> sa.engine.URL:
    """An SQLAlchemy URL from a path, a URL, or the tracker_store of a Rasa endpoints file."""
    if endpoints is not None:
        from rasa.core.tracker_store import SQLTrackerStore

        config = tracker_store_config(endpoints)
        url = SQLTrackerStore.get_db_url(  # the same URL the tracker store itself builds
            dialect=config.get("dialect", "sqlite"), host=config.get("url") or config.get("host"),
            port=config.get("port"), db=config.get("db", "rasa.db"), username=config.get("username"),
            password=config.get("password"), query=config.get("query"))
        return sa.engine.make_url(url)
    target = db or str(DEFAULT_DB)
    if "://" in target:
        return sa.engine.make_url(target)
    path = Path(target).expanduser().resolve()
    if not path.is_file():
        raise FileNotFoundError(f"pas de base de conversations à {path}")
    return sa.engine.make_url(f"sqlite:///{path}")


def conversations(url: sa.engine.URL, since: Optional[dt.date] = None) -> Iterator[tuple[str, list[dict]]]:
    """(sender_id, events) per conversation, events in the order they were saved."""
    engine = sa.create_engine(url)
    query = sa.text(
        "SELECT sender_id, timestamp, data FROM events WHERE type_name IN :types ORDER BY sender_id, id"
    ).bindparams(sa.bindparam("types", expanding=True))
    start = dt.datetime.combine(since, dt.time()).timestamp() if since else None
    try:
        with engine.connect() as connection:
            rows = connection.execution_options(stream_results=True).execute(query, {"types": list(EVENT_TYPES)})
            for sender_id, rows_of_sender in itertools.groupby(rows, key=lambda row: row[0]):
                events = [json.loads(row[2]) for row in rows_of_sender if start is None or (row[1] or 0) >= start]
                if events:
                    yield sender_id, events
    finally:
        engine.dispose()


def build_report(url: sa.engine.URL, threshold: float, since: Optional[dt.date] = None) -> Report:
    messages: list[UnansweredMessage] = []
    user_messages = 0
    for sender_id, events in conversations(url, since):
        user_messages += sum(1 for event in events if event.get("event") == "user")
        messages.extend(unanswered_in(sender_id, events, threshold))
    return Report(url.render_as_string(hide_password=True), threshold, since, user_messages, len(messages),
                  group(messages))


def _when(timestamp: Optional[float]) -> str:
    return dt.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M") if timestamp else ""


def _confidence(value: Optional[float]) -> str:
    return "" if value is None else f"{value:.2f}"


def _reasons(item: QuestionGroup) -> str:
    return ", ".join(f"{reason} ({count})" for reason, count in item.reasons.most_common())


def write_csv(report: Report, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADERS)
        for item in report.groups:
            writer.writerow([item.key, item.count, len(item.senders), item.intent, _confidence(item.mean_confidence),
                             _reasons(item), " | ".join(item.examples), _when(item.last_seen)])


def bar_chart_svg(groups: list[QuestionGroup], top: int) -> str:
    """Horizontal bars of the most frequent groups, as inline SVG (no script, no CDN)."""
    shown = groups[:top]
    if not shown:
        return "<p>Aucune question sans réponse.</p>"
    label_width, bar_width, row, width = 330, 360, 26, 760
    most = max(item.count for item in shown)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(shown) + 10}" '
             f'role="img" aria-label="Questions sans réponse les plus fréquentes">']
    for index, item in enumerate(shown):
        y = index * row + 5
        length = max(2, round(bar_width * item.count / most))
        label = item.key if len(item.key) <= 48 else item.key[:47] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="12">'
                     f'{html.escape(label)}</text>')
        parts.append(f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" '
                     f'fill="#3465a4"><title>{html.escape(item.key)} : {item.count}</title></rect>')
        parts.append(f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="12">{item.count}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def render_html(report: Report, top: int) -> str:
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in (
            item.key, item.count, len(item.senders), item.intent, _confidence(item.mean_confidence), _reasons(item),
            " | ".join(item.examples), _when(item.last_seen))) + "</tr>"
        for item in report.groups)
    since = f", depuis le {report.since.isoformat()}" if report.since else ""
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Questions sans réponse</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; font-size: 14px; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
</style>
</head>
<body>
<h1>Questions sans réponse</h1>
<p>Base : {html.escape(report.source)}{since}. Seuil de confiance : {report.threshold:.2f}.</p>
<p id="totaux">{report.unanswered} message(s) sans réponse sur {report.user_messages} message(s) d'utilisateurs,
en {len(report.groups)} groupe(s).</p>
<h2>Les plus fréquentes</h2>
{bar_chart_svg(report.groups, top)}
<h2>Tous les groupes</h2>
<table>
<thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in CSV_HEADERS)}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p>Généré le {dt.datetime.now().strftime("%Y-%m-%d %H:%M")} par <code>make report</code>.</p>
</body>
</html>
"""


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m support.report", description="Rapport des questions sans réponse.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", help=f"fichier SQLite ou URL SQLAlchemy (défaut : {DEFAULT_DB.relative_to(ROOT)})")
    source.add_argument("--endpoints", type=Path, help="lire le tracker_store d'un fichier endpoints (ex. endpoints.prod.yml)")
    parser.add_argument("--threshold", type=float, help="seuil de confiance (défaut : celui du FallbackClassifier)")
    parser.add_argument("--since", type=dt.date.fromisoformat, help="seulement les messages depuis cette date (AAAA-MM-JJ)")
    parser.add_argument("--top", type=int, default=15, help="groupes dans le graphique (défaut : 15)")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT, help="dossier des rapports")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    try:
        url = database_url(args.db, args.endpoints)
    except (FileNotFoundError, ValueError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    threshold = args.threshold if args.threshold is not None else fallback_threshold()
    report = build_report(url, threshold, args.since)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = args.output_dir / f"{BASENAME}.csv", args.output_dir / f"{BASENAME}.html"
    write_csv(report, csv_path)
    html_path.write_text(render_html(report, args.top), encoding="utf-8")
    print(f"{report.unanswered} message(s) sans réponse sur {report.user_messages}, {len(report.groups)} groupe(s).")
    print(f"Rapports : {csv_path} et {html_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
