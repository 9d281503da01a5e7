"""``python -m matchmaker.matching rank ...``"""
from __future__ import annotations

import click

from .cli import rank_command


@click.group()
def cli() -> None:
    """matchmaker matching engine."""


cli.add_command(rank_command)

if __name__ == "__main__":
    cli(prog_name="python -m matchmaker.matching")
