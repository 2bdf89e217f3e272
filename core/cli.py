"""The ``zugong`` command line: builds the app, whose ``app.cli`` holds the commands
(:mod:`core.commands`)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from core.app import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def main() -> None:
    """组工平台命令行 (Zugong command line)."""


if __name__ == "__main__":  # ``python -m core.cli …`` (the venv's ``zugong`` script calls main)
    main()
