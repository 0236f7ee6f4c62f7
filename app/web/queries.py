"""What the overview and organisation pages read: plain queries, no changes.

State changes go through the services; these only gather what a page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.domain.formatting import format_date
from app.domain.states import PackageState
from app.extensions import db
from app.services.errors import NotFound
from app.store.models import JobRun
from app.store.models import Organisation
from app.store.models import Package
from app.store.models import utcnow

# The order in which the overview shows its groups: the way a package goes, then the ends.
STATE_ORDER = (
    PackageState.MISLUKT,
    PackageState.CONCEPT,
    PackageState.KLAAR,
    PackageState.WACHT_OP_RAAD,
    PackageState.BESLUIT_GENOMEN,
    PackageState.VERZONDEN,
    PackageState.DEELS_ONDERTEKEND,
    PackageState.ONDERTEKEND,
    PackageState.GEARCHIVEERD,
    PackageState.GEWEIGERD,
    PackageState.VERLOPEN,
    PackageState.INGETROKKEN,
)
OUT_FOR_SIGNING = (PackageState.VERZONDEN.value, PackageState.DEELS_ONDERTEKEND.value)


@dataclass(frozen=True)
class Attention:
    """A package staff should look at, and why (Dutch)."""

    package: Package
    reason: str


@dataclass(frozen=True)
class StateGroup:
    state: PackageState
    packages: list[Package]


@dataclass(frozen=True)
class Overview:
    attention: list[Attention]
    groups: list[StateGroup]
    count: int


def overview(today: dt.date, overdue_days: int) -> Overview:
    """Packages grouped by state (newest first) and the ones that need attention.

    Attention: the raad's deadline has passed while the package waits for the College; the
    signatures have been outstanding for more than `overdue_days` days; a send or a
    conversion failed.
    """
    packages = db.session.scalars(
        sa.select(Package).options(selectinload(Package.organisation))
        .order_by(Package.created_at.desc(), Package.id.desc())
    ).all()
    by_state: dict[str, list[Package]] = {}
    for package in packages:
        by_state.setdefault(package.state, []).append(package)
    groups = [StateGroup(state, by_state[state.value])
              for state in STATE_ORDER if state.value in by_state]

    overdue_before = utcnow() - dt.timedelta(days=overdue_days)
    attention = []
    for package in packages:
        reason = _needs_attention(package, today, overdue_before, overdue_days)
        if reason:
            attention.append(Attention(package, reason))
    return Overview(attention, groups, len(packages))


def _needs_attention(package: Package, today: dt.date, overdue_before: dt.datetime,
                     overdue_days: int) -> str | None:
    if package.state == PackageState.MISLUKT.value:
        return package.last_error or "Er ging iets mis; kijk in de tijdlijn van het pakket."
    if (package.state == PackageState.WACHT_OP_RAAD.value and package.council_deadline
            and package.council_deadline < today):
        return (f"De termijn van de raad liep tot en met {format_date(package.council_deadline)}. "
                "Leg het collegebesluit vast zodra het college heeft besloten.")
    if (package.state in OUT_FOR_SIGNING and package.sent_at
            and package.sent_at < overdue_before):
        return (f"Verzonden op {format_date(package.sent_at.date())}: na meer dan "
                f"{overdue_days} dagen zijn nog niet alle handtekeningen binnen. Stuur een "
                "herinnering of vraag de status op.")
    return None


def organisations() -> list[Organisation]:
    """Every organisation, by name, with its packages and agreements loaded."""
    return list(db.session.scalars(
        sa.select(Organisation)
        .options(selectinload(Organisation.packages), selectinload(Organisation.agreements))
        .order_by(Organisation.name)
    ).all())


def organisation(organisation_id: int) -> Organisation:
    """The organisation with this id; raise NotFound otherwise."""
    found = db.session.get(Organisation, organisation_id)
    if found is None:
        raise NotFound("Deze organisatie bestaat niet.")
    return found


def known_organisations() -> list[Organisation]:
    """Every organisation by name, for the 'existing organisation' choice."""
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all())


def jobs_for(package_id: int, limit: int = 10) -> list[JobRun]:
    """The package's latest background jobs (documents, sending, archiving, mail), newest first."""
    return list(db.session.scalars(
        sa.select(JobRun).where(JobRun.package_id == package_id)
        .order_by(JobRun.created_at.desc(), JobRun.id.desc()).limit(limit)
    ).all())
