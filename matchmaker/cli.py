"""The `matchmaker` console script: Flask's CLI group bound to the application factory."""
from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    cli = FlaskGroup(create_app=lambda: create_app(), help="matchmaker: B2B matchmaking for local procurement.")
    cli.main(prog_name="matchmaker")
