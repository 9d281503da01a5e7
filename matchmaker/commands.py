"""Command-line commands, bound to the app through Flask's CLI group (`matchmaker ...`)."""
from __future__ import annotations

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask

from .extensions import db
from .models import ROLES, Firm, User, utcnow


def init_commands(app: Flask) -> None:
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


@click.command("seed-demo")
@click.option("--reset", is_flag=True, help="Delete all existing data first.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
def seed_demo(reset: bool, if_empty: bool) -> None:
    """Load the fictional demo firms, offerings, needs and demo accounts."""
    from .demo.loader import DEMO_DOMAIN, DEMO_PASSWORD, DemoError, database_has_data, load_demo

    if if_empty and not reset and database_has_data():
        click.echo("The database already has data; demo data not loaded.")
        return
    try:
        s = load_demo(reset=reset)
    except DemoError as e:
        raise click.ClickException(str(e)) from e
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
    """Rebuild the matching index from the database, and make every server process rebuild its own."""
    import time

    from .search.index import MatchIndex, engine_settings, request_rebuild

    t0 = time.perf_counter()
    index = MatchIndex.create(engine_settings())
    index.rebuild()
    request_rebuild()
    click.echo(f"Indexed {len(index.supply)} supplier records and {len(index.demand)} open needs "
               f"in {time.perf_counter() - t0:.1f} s; running servers rebuild on their next request.")


@click.command("tick")
def tick() -> None:
    """Do what is due: send pending mail, expire old sessions and links (run it every few minutes)."""
    from .tick import run

    for name, count in run().items():
        click.echo(f"{name}: {count}")
