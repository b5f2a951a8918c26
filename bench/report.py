"""Ratios to the bare assistant, target checks, the printed summary table and the plot."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

# Figures the team measured for the bare assistant on the same kind of machine, kept beside
# ours to spot a noisy run.
TEAM_BARE_REFERENCE = {
    "throughput_msg_s": {"1": 13, "4": 13, "16": 18},
    "p50_ms": {"1": 65}, "p95_ms": {"1": 140, "4": 420, "16": 1400},
    "rss_mb": 1700, "start_s": 35,
}


def _ratio(ours: Optional[float], bare: Optional[float]) -> Optional[float]:
    if ours is None or bare is None or not bare or math.isnan(ours) or math.isnan(bare):
        return None
    return round(ours / bare, 2)


def ratios(ours: dict, bare: dict) -> dict:
    """ours / bare: above 1 means more throughput, or more latency / memory / time."""
    levels = {}
    for users, stats in ours["levels"].items():
        other = bare["levels"].get(users)
        if other:
            levels[users] = {key: _ratio(stats[key], other[key])
                             for key in ["throughput_msg_s", "p50_ms", "p95_ms", "p99_ms"]}
    return {
        "levels": levels,
        "rss_mb": _ratio(ours.get("rss_mb"), bare.get("rss_mb")),
        "start_s": _ratio(ours.get("start_s"), bare.get("start_s")),
        "training_s": _ratio((ours.get("training") or {}).get("seconds"),
                             (bare.get("training") or {}).get("seconds")),
    }


def targets(ours: dict, bare: dict) -> list[dict]:
    def level(assistant: dict, users: str, key: str) -> Optional[float]:
        return (assistant["levels"].get(users) or {}).get(key)

    ours16, bare16 = level(ours, "16", "throughput_msg_s"), level(bare, "16", "throughput_msg_s")
    training = ours.get("training") or {}
    checks = [
        ("throughput_16_users_vs_bare", "débit à 16 utilisateurs ≥ 2 × nu / throughput at 16 users >= 2x bare",
         _ratio(ours16, bare16), lambda v: v >= 2),
        ("p95_ms_4_users", "p95 à 4 utilisateurs ≤ 200 ms / p95 at 4 users <= 200 ms",
         level(ours, "4", "p95_ms"), lambda v: v <= 200),
        ("rss_mb", "mémoire (RSS) ≤ 2 Go par réplique / RSS <= 2 GB per replica",
         ours.get("rss_mb"), lambda v: v <= 2048),
        ("start_s", "démarrage ≤ 40 s / start-up <= 40 s", ours.get("start_s"), lambda v: v <= 40),
        ("training_s", "entraînement complet ≤ 5 min / full training <= 5 min",
         training.get("seconds"), lambda v: v <= 300),
    ]
    result = []
    for key, label, value, ok in checks:
        met = None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(ok(value))
        entry = {"target": key, "label": label, "value": value, "met": met}
        if key == "training_s" and training and not training.get("full", True):
            entry["note"] = "partial training (some components restored from cache): rerun with --train"
        result.append(entry)
    return result


def _fmt(value, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        value = f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return f"{value}{unit}"


def summary_table(results: dict) -> str:
    ours, bare = results["assistants"]["ours"], results["assistants"]["bare"]
    lines = ["", "Résultats / results (nous = our assistant, nu = bare Rasa)", ""]
    header = (f"{'utilisateurs/users':>18} | {'msg/s nous':>10} {'nu':>6} {'×':>5} | "
              f"{'p50 nous':>9} {'nu':>7} | {'p95 nous':>9} {'nu':>7} {'×':>5} | "
              f"{'p99 nous':>9} {'nu':>7} | erreurs nous (inatt.) / nu")
    lines += [header, "-" * len(header)]
    for users, stats in ours["levels"].items():
        other = bare["levels"].get(users, {})
        ratio = results["ratios"]["levels"].get(users, {})
        lines.append(
            f"{users:>18} | {_fmt(stats['throughput_msg_s']):>10} {_fmt(other.get('throughput_msg_s')):>6} "
            f"{_fmt(ratio.get('throughput_msg_s')):>5} | {_fmt(stats['p50_ms'], ' ms'):>9} "
            f"{_fmt(other.get('p50_ms'), ' ms'):>7} | {_fmt(stats['p95_ms'], ' ms'):>9} "
            f"{_fmt(other.get('p95_ms'), ' ms'):>7} {_fmt(ratio.get('p95_ms')):>5} | "
            f"{_fmt(stats['p99_ms'], ' ms'):>9} {_fmt(other.get('p99_ms'), ' ms'):>7} | "
            f"{stats['errors']:>5} ({stats['unexpected']}) / {other.get('errors', '—')}")
    lines += [
        "",
        f"démarrage / start-up : nous {_fmt(ours.get('start_s'), ' s')}, nu {_fmt(bare.get('start_s'), ' s')}",
        f"mémoire / RSS après charge / after load : nous {_fmt(ours.get('rss_mb'), ' Mo')} "
        f"(+ serveur d'actions {_fmt(ours.get('actions_rss_mb'), ' Mo')}), nu {_fmt(bare.get('rss_mb'), ' Mo')}",
        f"entraînement / training : nous {_fmt((ours.get('training') or {}).get('seconds'), ' s')} "
        f"({(ours.get('training') or {}).get('source', '—')}), "
        f"nu {_fmt((bare.get('training') or {}).get('seconds'), ' s')}",
        "",
        "Objectifs / targets :",
    ]
    for target in results["targets"]:
        mark = {True: "OK ", False: "NON", None: " ? "}[target["met"]]
        lines.append(f"  [{mark}] {target['label']} : {_fmt(target['value'])}"
                     + (f"  ({target['note']})" if target.get("note") else ""))
    replicas = results["assistants"].get("ours_replicas")
    if replicas:
        lines += ["", f"Profil production, {replicas['replicas']} répliques (PostgreSQL + Redis) / "
                  f"production profile, {replicas['replicas']} replicas : démarrage {_fmt(replicas.get('start_s'), ' s')}"]
        for users, stats in replicas["levels"].items():
            ratio = ((results.get("ratios_replicas") or {}).get("levels") or {}).get(users, {}).get("throughput_msg_s")
            lines.append(f"  {users:>2} utilisateurs : {_fmt(stats['throughput_msg_s'])} msg/s (× {_fmt(ratio)} nu), "
                         f"p50 {_fmt(stats['p50_ms'])} ms, p95 {_fmt(stats['p95_ms'])} ms, "
                         f"erreurs {stats['errors']} ({stats['unexpected']})")
        for target in results.get("targets_replicas", []):
            mark = {True: "OK ", False: "NON", None: " ? "}[target["met"]]
            lines.append(f"  [{mark}] {target['label']} : {_fmt(target['value'])}")
    lines.append("  erreurs : HTTP, délai dépassé ou réponse vide ; (inatt.) : nos réponses sans le texte "
                 "attendu (bench/conversations.yml)\n  errors: HTTP, timeout or empty reply; (inatt.): "
                 "our replies without the expected text")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4.2))
    colours = {"ours": "tab:blue", "ours_replicas": "tab:green", "bare": "tab:gray"}
    replicas = (results["assistants"].get("ours_replicas") or {}).get("replicas")
    names = {"ours": "notre assistant", "ours_replicas": f"notre assistant, {replicas} répliques",
             "bare": "Rasa nu"}
    count = len(results["assistants"])
    width = 0.8 / count
    for index, (name, assistant) in enumerate(results["assistants"].items()):
        users = list(assistant["levels"].keys())
        xs = [int(u) for u in users]
        for key, style in [("p50_ms", "-"), ("p95_ms", "--"), ("p99_ms", ":")]:
            latency.plot(xs, [assistant["levels"][u][key] for u in users], style, marker="o",
                         color=colours[name], label=f"{names[name]} {key[:3]}")
        positions = [i + (index - (count - 1) / 2) * width for i in range(len(users))]
        throughput.bar(positions, [assistant["levels"][u]["throughput_msg_s"] for u in users],
                       width, color=colours[name], label=names[name])
        throughput.set_xticks(range(len(users)), users)
    latency.set_xscale("log", base=2)
    latency.set_yscale("log")
    latency.set_xticks([int(u) for u in results["assistants"]["ours"]["levels"]],
                       list(results["assistants"]["ours"]["levels"]))
    latency.set_xlabel("utilisateurs simultanés")
    latency.set_ylabel("latence (ms)")
    latency.set_title("Latence par message (p50, p95, p99)")
    latency.legend(fontsize=7)
    latency.grid(True, which="both", alpha=0.3)
    throughput.set_xlabel("utilisateurs simultanés")
    throughput.set_ylabel("messages / s")
    throughput.set_title("Débit")
    throughput.legend(fontsize=8)
    throughput.grid(True, axis="y", alpha=0.3)
    fig.suptitle(f"make bench — {results['generated_at']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
