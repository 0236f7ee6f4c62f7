"""Command-line tasks: `flask users …` (create, list, deactivate, activate, password,
sign-out), `flask tokens …` (create, list, revoke), `flask mail deliver`, `flask demo`,
`flask templates check`, `flask templates text NAME`."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from flask.cli import AppGroup
from flask.cli import with_appcontext


users = AppGroup("users", help="Medewerkers die kunnen inloggen.")
mail = AppGroup("mail", help="Uitgaande e-mail.")
tokens = AppGroup("tokens", help="API-tokens voor andere NVSI-systemen.")
templates = AppGroup("templates", help="De Word-sjablonen van de documenten.")
council = AppGroup("council", help="De raadsprocedure (artikel 160 Gemeentewet).")
reminders = AppGroup("reminders", help="Automatische herinneringen aan ondertekenaars.")


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


def _user(email: str):
    from app.services.accounts import find_user
    from app.services.errors import NotFound

    try:
        return find_user(email)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None


@users.command("list")
def list_users_command() -> None:
    """Toon alle medewerkers met hun rol en of ze actief zijn."""
    from app.services.accounts import list_users

    for user in list_users():
        state = "actief" if user.active else "gedeactiveerd"
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{state}")


@users.command("deactivate")
@click.argument("email")
def deactivate_user_command(email: str) -> None:
    """Deactiveer een medewerker; al zijn sessies eindigen meteen."""
    from app.services.accounts import set_active

    set_active(_user(email), False)
    click.echo("Medewerker gedeactiveerd; alle sessies zijn beëindigd.")


@users.command("activate")
@click.argument("email")
def activate_user_command(email: str) -> None:
    """Activeer een gedeactiveerde medewerker weer."""
    from app.services.accounts import set_active

    set_active(_user(email), True)
    click.echo("Medewerker weer actief.")


@users.command("password")
@click.argument("email")
@click.password_option("--password", prompt="Nieuw wachtwoord", confirmation_prompt="Nogmaals")
def password_command(email: str, password: str) -> None:
    """Geef een medewerker een nieuw wachtwoord; al zijn sessies eindigen meteen."""
    from app.services.accounts import AccountError
    from app.services.accounts import set_password

    try:
        set_password(_user(email), password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Wachtwoord gewijzigd; alle sessies zijn beëindigd.")


@users.command("sign-out")
@click.argument("email")
def sign_out_command(email: str) -> None:
    """Beëindig alle sessies van een medewerker (bijvoorbeeld na een verloren laptop)."""
    from app.services.accounts import end_sessions

    end_sessions(_user(email))
    click.echo("Alle sessies zijn beëindigd.")


@tokens.command("create")
@click.argument("name")
def create_token_command(name: str) -> None:
    """Maak een API-token aan; het wordt één keer getoond."""
    from app.services.accounts import create_token

    click.echo(create_token(name, created_by="cli"))


@tokens.command("list")
def list_tokens_command() -> None:
    """Toon alle API-tokens (nooit het geheim zelf)."""
    from app.services.accounts import list_tokens

    for token in list_tokens():
        state = "ingetrokken" if token.revoked_at else "actief"
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
        click.echo(f"{token.id}\t{token.name}\t{state}\tlaatst gebruikt {used}")


@tokens.command("revoke")
@click.argument("token")
def revoke_token_command(token: str) -> None:
    """Trek een API-token in, op nummer (zie 'tokens list') of op naam (alle met die naam)."""
    from app.services.accounts import revoke_token
    from app.services.accounts import revoke_tokens_named
    from app.services.errors import NotFound

    if token.isdigit():
        try:
            revoke_token(int(token))
        except NotFound as exc:
            raise click.ClickException(str(exc)) from None
        click.echo("Token ingetrokken.")
        return
    count = revoke_tokens_named(token)
    if not count:
        raise click.ClickException("Er is geen actief token met deze naam.")
    click.echo(f"{count} {'token' if count == 1 else 'tokens'} ingetrokken.")


@mail.command("deliver")
def deliver_mail_command() -> None:
    """Verstuur de e-mail die klaarstaat (voor cron; de worker doet dit ook zelf)."""
    from app.services.mailing import deliver_pending

    counts = deliver_pending()
    click.echo(f"{counts['sent']} verzonden, {counts['retrying']} later opnieuw, "
               f"{counts['failed']} mislukt.")


@council.command("reminders")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Doe alsof het deze datum is (JJJJ-MM-DD).")
def council_reminders_command(today) -> None:
    """Herinner gemeenten van wie de raadstermijn voorbij is zonder collegebesluit (dagelijks)."""
    from app.services.council import send_due_council_reminders

    reminded = send_due_council_reminders(today.date() if today else None)
    word = "herinnering" if len(reminded) == 1 else "herinneringen"
    click.echo(f"{len(reminded)} {word} verstuurd.")


@reminders.command("send")
def send_reminders_command() -> None:
    """Verstuur de herinneringen die volgens het schema aan de beurt zijn (veilig om vaak te
    draaien, bijvoorbeeld elk uur vanuit cron)."""
    from app.services.reminders import send_due_reminders

    counts = send_due_reminders()
    word = "herinnering" if counts["verstuurd"] == 1 else "herinneringen"
    click.echo(f"{counts['verstuurd']} {word} verstuurd, {counts['mislukt']} niet verstuurd.")


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
    from app.services.documents import converter
    from app.services.documents import renderer

    if runtime().settings.jobs != "rq":
        raise click.ClickException("Zet TEKENKLAAR_JOBS=rq om met een wachtrij te werken.")

    def prepare():
        converter().start()
        renderer().preload()  # templates compiled once, shared by every work-horse

    work(current_app._get_current_object(), burst=burst, prepare=prepare)


@templates.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", "kind_name", default=None,
              help="Het soort document van de bestanden (standaard: uit de bestandsnaam).")
def check_templates_command(files: tuple[str, ...], kind_name: str | None) -> None:
    """Controleer de sjablonen tegen een voorbeeldpakket van elke soort.

    Zonder FILES: elk sjabloon in templates_docx/. Met FILES: die .docx-bestanden. Meldt per
    sjabloon een onbekend gegeven, een ontbrekende waarde of een kapot blok, met de tag;
    stopt met code 1 bij elk probleem.
    """
    from pathlib import Path

    from app.documents.samples import SampleError
    from app.services import templates as service
    from app.services.errors import NotFound

    try:
        if files:
            checks = []
            for file in files:
                kind = service.parse_kind(kind_name or Path(file).name)
                checks.append((kind, Path(file).read_bytes(), Path(file).name))
        else:
            from app.domain.rules import DocumentKind

            checks = [(kind, None, None) for kind in DocumentKind]
        reports = [service.check(kind, data, name) for kind, data, name in checks]
    except (NotFound, SampleError) as exc:
        raise click.ClickException(exc.message if hasattr(exc, "message") else str(exc))
    failed = 0
    for report in reports:
        if report.ok:
            click.echo(f"{report.template}: in orde ({report.samples} voorbeelddocumenten)")
            continue
        failed += 1
        click.echo(f"{report.template}: {len(report.problems)} "
                   f"{'probleem' if len(report.problems) == 1 else 'problemen'}", err=True)
        for problem in report.problems:
            click.echo(f"  - {problem}", err=True)
    if failed:
        raise click.ClickException(
            f"{failed} van de {len(reports)} sjablonen {'heeft' if failed == 1 else 'hebben'} "
            "een probleem.")
    click.echo(f"Alle {len(reports)} sjablonen zijn in orde.")


@templates.command("text")
@click.argument("name")
@click.option("--version", "number", type=int, default=None,
              help="Een versie die een beheerder heeft geüpload (1 is het meegeleverde bestand).")
def template_text_command(name: str, number: int | None) -> None:
    """Toon de tekst van een sjabloon met zijn tags, om een wijziging als tekst te vergelijken.

    NAME is een soort document (bijv. gebruiksovereenkomst) of het pad van een .docx.
    """
    from pathlib import Path

    from app.documents.text import template_text
    from app.services import templates as service
    from app.services.errors import NotFound

    try:
        path = Path(name)
        if name.endswith(".docx") and path.is_file():
            data = path.read_bytes()
        else:
            kind = service.parse_kind(name)
            data = service.template_bytes(kind, number or service.SHIPPED)
        click.echo(template_text(data), nl=False)
    except NotFound as exc:
        raise click.ClickException(exc.message) from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(users)
    app.cli.add_command(mail)
    app.cli.add_command(tokens)
    app.cli.add_command(templates)
    app.cli.add_command(council)
    app.cli.add_command(reminders)
    app.cli.add_command(demo_command)
