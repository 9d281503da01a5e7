"""`matchmaker indicators [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]`: the page's figures for the
city's other systems. Exit codes: 0 printed, 2 a bad date or an empty range (nothing on stdout).

The command prints the raw figures (no "< N" hiding): it is run by whoever operates the database,
and the parts must add up for the systems that read it.
"""
from __future__ import annotations

import json
import sys

import click

from ..machine_output import stdout_to_stderr, write_stdout
from .periods import PeriodError, custom, today_local


@click.command("indicators")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: start of the fiscal year).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day (default: end of the fiscal year).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on standard output.")
def indicators_command(start: str | None, end: str | None, as_json: bool) -> None:
    """Local-trade indicators of a period (the Japanese fiscal year by default)."""
    from .figures import compute

    try:
        period = custom(start, end, today_local())
    except PeriodError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    with stdout_to_stderr():
        fig = compute(period)
    if as_json:
        write_stdout(json.dumps(fig, ensure_ascii=False, sort_keys=False) + "\n")
        return
    write_stdout(_text(fig))


def _pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _text(fig: dict) -> str:
    d, r, n, f, a = fig["deals"], fig["rfq"], fig["needs"], fig["fairs"], fig["activity"]
    s = fig["setting"]
    lines = [
        f"Period {fig['period']['from']} – {fig['period']['to']} (local: within {s['radius_km']:g} km of {s['home_city']})",
        f"Deals: {d['count']:,}, JPY {d['amount_jpy']:,}; local share {_pct(d['local_share_count'])} by count, "
        f"{_pct(d['local_share_amount'])} by amount",
    ]
    for p in ("local", "domestic", "overseas"):
        lines.append(f"  {p}: {d[p]['count']:,} deals, JPY {d[p]['amount_jpy']:,}")
    rel = fig["new_relationships"]
    lines += [
        f"New business relationships: {rel['count']:,} ({rel['local']['count']:,} with both firms in the city)",
        f"Requests for quotation: {r['sent']:,} sent, {_pct(r['answered_share'])} of invitations answered, "
        f"median {r['median_hours_to_first_quote'] if r['median_hours_to_first_quote'] is not None else '—'} h to "
        f"first quote, {r['awarded']:,} awarded ({_pct(r['awarded_local_share'])} locally)",
        f"Needs: {n['posted']:,} posted, {n['fulfilled']:,} fulfilled, {n['open']:,} open, "
        f"{n.get('open_without_local', 0):,} open with no good local supplier",
        f"Trade fairs: {f['fairs']:,}, {f['participants']:,} participants, {f['meetings_planned']:,} meetings planned, "
        f"{f['meetings_held']:,} held, {f['no_shows']:,} no-shows, {f['deals']:,} deals after ({f['deals_local']:,} local)",
        f"Firms: {a['firms_registered']:,} registered, {a['profiles_updated']:,} profiles updated, "
        f"{a['active_firms']:,} active",
        "Supply gaps:",
    ]
    for g in fig.get("supply_gaps", [])[:15]:
        near = ", ".join(f"{x['name']} ({x['distance_km']} km)" for x in g["nearest"]) or "-"
        lines.append(f"  {g['label_ja']} / {g['label_en']}: {g['needs']} — nearest outside: {near}")
    return "\n".join(lines) + "\n"
