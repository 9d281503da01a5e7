"""Command-line commands, bound to the app through Flask's CLI group (`matchmaker ...`)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask

from .extensions import db
from .models import ROLES, Firm, User, utcnow


def init_commands(app: Flask) -> None:
    from .imports.cli import import_firms
    from .indicators.cli import indicators_command
    from .matching.cli import rank_command
    from .matching.teams import teams_command
    from .scheduling.cli import schedule_command

    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(reindex)
    app.cli.add_command(rank_command)
    app.cli.add_command(teams_command)
    app.cli.add_command(schedule_command)
    app.cli.add_command(tick)
    app.cli.add_command(import_firms)
    app.cli.add_command(indicators_command)


@click.command("seed-demo")
@click.option("--reset", is_flag=True, help="Delete all existing data first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
@click.option("--synthetic", type=click.IntRange(0, None), default=0, metavar="N",
              help="Also add N synthetic firms (made from the demo firms, marked synthetic) to try the site at scale; "
                   "the demo set is loaded first when the database is empty.")
def seed_demo(reset: bool, if_empty: bool, synthetic: int) -> None:
    """Load the fictional demo firms, offerings, needs and demo accounts."""
    from .demo.loader import DEMO_DOMAIN, DEMO_PASSWORD, DemoError, database_has_data, load_demo

    if synthetic:
        from .demo.synthetic import MAX_SYNTHETIC

        if synthetic > MAX_SYNTHETIC:  # before anything is written
            raise click.BadParameter(f"at most {MAX_SYNTHETIC:,}", param_hint="--synthetic")
    has_data = database_has_data()
    if if_empty and not reset and has_data:
        click.echo("The database already has data; demo data not loaded.")
        return
    if synthetic and has_data and not reset:
        demo = None  # add synthetic firms beside what is there
    else:
        try:
            demo = load_demo(reset=reset)
        except DemoError as e:
            raise click.ClickException(str(e)) from e
    if synthetic:
        import time

        from .demo.synthetic import add_synthetic, stderr_progress

        t0 = time.perf_counter()
        firms, offerings, needs = add_synthetic(synthetic, progress=stderr_progress)
        click.echo(f"Added {firms} synthetic firms, {offerings} offerings and {needs} needs "
                   f"in {time.perf_counter() - t0:.1f} s; run `matchmaker reindex` to build the matching index now.")
    if demo is not None:
        from .indicators.gaps import check

        check(limit=100_000)  # the supply gaps of the demo's needs, so that the indicators show them at once
        s = demo
        click.echo(f"Loaded {s.firms} firms, {s.offerings} offerings, {s.needs} needs and {s.users} accounts, "
                   f"{s.requests} requests for quotation and {s.deals} deals.")
        click.echo(f"Demo logins: organizer@{DEMO_DOMAIN}, admin@{DEMO_DOMAIN}, <firm-key>@{DEMO_DOMAIN}; "
                   f"password {DEMO_PASSWORD}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--firm-id", type=int, default=None, help="The firm the user belongs to.")
@click.option("--locale", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.password_option(help="Asked for when not given.")
def create_user(email: str, name: str, role: str, firm_id: int | None, locale: str, password: str) -> None:
    """Create an account (members, organizers, admins)."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as e:
        raise click.ClickException(f"invalid email: {e}") from e
    email = User.normalize_email(email)
    from flask_babel import force_locale

    from .accounts.passwords import password_problem

    with force_locale("en"):  # the command line speaks English, as its other messages
        problem = password_problem(password, name, email)
        problem = str(problem) if problem else None
    if problem:
        raise click.ClickException(f"password: {problem}")
    if not name.strip():
        raise click.ClickException("the name may not be empty")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"a user with email {email} already exists")
    if firm_id is not None and db.session.get(Firm, firm_id) is None:
        raise click.ClickException(f"no firm with id {firm_id}")
    if role == "member" and firm_id is None:
        raise click.ClickException("a member must belong to a firm: give --firm-id")
    # Created by whoever runs the server: the address counts as confirmed.
    user = User(email=email, name=name.strip(), role=role, firm_id=firm_id, locale=locale, email_verified_at=utcnow())
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email} (id {user.id}).")


@click.command("reindex")
def reindex() -> None:
    """Rebuild the matching index from the database and write the machine's index snapshot, which every
    server process then maps instead of building its own. Progress goes to stderr."""
    import time

    from .matching import snapshot
    from .search.index import MatchIndex, engine_settings, request_rebuild, snapshot_root
    from .search.text import fill_missing

    def progress(message: str) -> None:
        click.echo(f"reindex: {message} ({time.perf_counter() - t0:.1f} s)", err=True)

    t0 = time.perf_counter()
    filled = fill_missing(db.session)
    if filled:
        progress(f"directory search text computed for {filled} firms")
    root = snapshot_root()
    index = MatchIndex.create(engine_settings())
    index.snapshot_dir = root
    if root:
        progress(f"waiting for the snapshot lock in {root}")
    with snapshot.build_lock(root) if root else _nothing():
        progress("reading firms, offerings and needs and building the index")
        index.rebuild()
        progress(f"built {len(index.supply)} supplier records and {len(index.demand)} open needs")
        index.rebuild_mark = request_rebuild(keep_after=index.last_change if root else None)
        if root:
            progress("writing the snapshot")
            index.save_snapshot(locked=True)
    where = f"snapshot in {root}; running servers map it on their next request" if root else \
        "no snapshot (MATCHMAKER_INDEX_SNAPSHOT is empty); running servers rebuild on their next request"
    click.echo(f"Indexed {len(index.supply)} supplier records and {len(index.demand)} open needs "
               f"in {time.perf_counter() - t0:.1f} s; {where}.")


def _nothing():
    from contextlib import nullcontext

    return nullcontext()


@click.command("tick")
def tick() -> None:
    """Do what is due: send pending mail, expire old sessions and links (run it every few minutes)."""
    from .tick import run

    for name, count in run().items():
        click.echo(f"{name}: {count}")
