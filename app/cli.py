"""Command-line tasks: `flask users create`, `flask tokens create`, `flask demo`."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from flask.cli import AppGroup
from flask.cli import with_appcontext


users = AppGroup("users", help="Medewerkers die kunnen inloggen.")
mail = AppGroup("mail", help="Uitgaande e-mail.")
tokens = AppGroup("tokens", help="API-tokens voor andere NVSI-systemen.")


@users.command("create")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.password_option("--password", prompt="Wachtwoord", confirmation_prompt="Nogmaals")
@click.option("--role", type=click.Choice(["medewerker", "beheerder"]), default="medewerker",
              show_default=True, help="Een beheerder beheert ook gebruikers, tokens en sjablonen.")
def create_user_command(email: str, name: str, password: str, role: str) -> None:
    """Maak een medewerker aan die kan inloggen."""
    from app.domain.validation import InputError
    from app.services.accounts import AccountError
    from app.services.accounts import create_user

    try:
        user = create_user(email, name, password, role=role)
    except (AccountError, InputError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Medewerker {user.id} aangemaakt.")


@tokens.command("create")
@click.argument("name")
def create_token_command(name: str) -> None:
    """Maak een API-token aan; het wordt één keer getoond."""
    from app.services.accounts import create_token

    click.echo(create_token(name))


@mail.command("deliver")
def deliver_mail_command() -> None:
    """Verstuur de e-mail die klaarstaat (voor cron; de worker doet dit ook zelf)."""
    from app.services.mailing import deliver_pending

    counts = deliver_pending()
    click.echo(f"{counts['sent']} verzonden, {counts['retrying']} later opnieuw, "
               f"{counts['failed']} mislukt.")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Laad voorbeeldorganisaties met overeenkomsten, voorbeeldpakketten en een demo-account."""
    from app.runtime import runtime
    from app.services.demo import load_demo

    if runtime().settings.environment == "production":
        raise click.ClickException("Voorbeeldgegevens worden niet in productie geladen.")
    summary = load_demo(today=dt.date.today())
    click.echo(summary)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Start een worker die achtergrondtaken uit de Redis-wachtrij uitvoert."""
    from flask import current_app

    from app.jobs.worker import work
    from app.runtime import runtime

    if runtime().settings.jobs != "rq":
        raise click.ClickException("Zet TEKENKLAAR_JOBS=rq om met een wachtrij te werken.")
    work(current_app._get_current_object(), burst=burst)


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(users)
    app.cli.add_command(mail)
    app.cli.add_command(tokens)
    app.cli.add_command(demo_command)
