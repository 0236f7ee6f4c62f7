"""What the overview and organisation pages read: plain queries, no changes.

State changes go through the services; these only gather what a page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.domain.rules import PackageRequest
from app.domain.states import BulkItemState
from app.extensions import db
from app.services.errors import NotFound
from app.store.models import Agreement
from app.store.models import BulkItem
from app.store.models import BulkRun
from app.store.models import JobRun
from app.store.models import Organisation
from app.store.models import Package


@dataclass(frozen=True)
class Page:
    """One page of a long list: simple paging by number (`?pagina=N`)."""

    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


MAX_PAGE = 100_000


def page_number(raw: str | None) -> int:
    """The page asked for: a whole number from 1, anything else is page 1."""
    return min(int(raw), MAX_PAGE) if raw and raw.isdigit() and int(raw) >= 1 else 1


def _page(query, number: int, per_page: int) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None)
                                                                     .subquery()))
    items = db.session.scalars(query.offset((number - 1) * per_page).limit(per_page)).all()
    return Page(list(items), number, per_page, total or 0)


ORGANISATIONS_PER_PAGE = 100


def organisations(page: int = 1) -> Page:
    """One page of organisations, by name, with their packages and agreements loaded."""
    return _page(sa.select(Organisation)
                 .options(selectinload(Organisation.packages),
                          selectinload(Organisation.agreements))
                 .order_by(Organisation.name, Organisation.id), page, ORGANISATIONS_PER_PAGE)


def organisation(organisation_id: int) -> Organisation:
    """The organisation with this id; raise NotFound otherwise."""
    found = db.session.get(Organisation, organisation_id)
    if found is None:
        raise NotFound("Deze organisatie bestaat niet.")
    return found


def known_organisations() -> list[Organisation]:
    """Every organisation by name, for the 'existing organisation' choice."""
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all())


def staff_names(actors) -> dict[str, str]:
    """The names of the staff members among these actor ids (e-mail addresses), by address."""
    from app.store.models import User

    addresses = {a.lower() for a in actors if a and "@" in a}
    if not addresses:
        return {}
    return {user.email.lower(): user.name for user in db.session.scalars(
        sa.select(User).where(sa.func.lower(User.email).in_(addresses)))}


def members() -> tuple[set[int], set[str]]:
    """The ids and CBS codes of the organisations registered as lid (for the form, which
    then spares them the participant warning)."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.cbs_code).join(Organisation.agreements)
        .where(Agreement.kind == "registratie_lid").distinct()).all()
    return {row.id for row in rows}, {row.cbs_code for row in rows if row.cbs_code}


def jobs_for(package_id: int, limit: int = 10) -> list[JobRun]:
    """The package's latest background jobs (documents, sending, archiving, mail), newest first."""
    return list(db.session.scalars(
        sa.select(JobRun).where(JobRun.package_id == package_id)
        .order_by(JobRun.created_at.desc(), JobRun.id.desc()).limit(limit)
    ).all())


# --- bulk ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BulkSummary:
    """A bulk run with how many of its organisations are done, failed and still waiting."""

    run: BulkRun
    klaar: int
    mislukt: int
    wachtend: int

    @property
    def done(self) -> int:
        return self.klaar + self.mislukt


@dataclass(frozen=True)
class BulkRow:
    item: BulkItem
    package: Package | None


@dataclass(frozen=True)
class PreviewRow:
    """One organisation in the bulk preview: what its package would be, or why it fails."""

    organisation: Organisation
    documents: int = 0
    total: Decimal | None = None
    needs_council: bool = False
    problem: str | None = None


def _bulk_counts(bulk_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {i: {} for i in bulk_ids}
    if not bulk_ids:
        return counts
    for bulk_id, state, number in db.session.execute(
            sa.select(BulkItem.bulk_id, BulkItem.state, sa.func.count(BulkItem.id))
            .where(BulkItem.bulk_id.in_(bulk_ids))
            .group_by(BulkItem.bulk_id, BulkItem.state)):
        counts[bulk_id][state] = number
    return counts


def _summary(run: BulkRun, counts: dict[str, int]) -> BulkSummary:
    return BulkSummary(run, counts.get(BulkItemState.KLAAR, 0),
                       counts.get(BulkItemState.MISLUKT, 0), counts.get(BulkItemState.WACHTEND, 0))


BULK_RUNS_PER_PAGE = 25
BULK_ITEMS_PER_PAGE = 100


def bulk_runs(page: int = 1) -> Page:
    """One page of bulk runs, newest first, each a BulkSummary with its counts."""
    runs = _page(sa.select(BulkRun).order_by(BulkRun.created_at.desc(), BulkRun.id.desc()),
                 page, BULK_RUNS_PER_PAGE)
    counts = _bulk_counts([run.id for run in runs.items])
    return Page([_summary(run, counts[run.id]) for run in runs.items], runs.number,
                runs.per_page, runs.total)


def bulk_run(bulk_id: int, page: int = 1) -> tuple[BulkSummary, Page]:
    """One bulk run with its counts, and one page of its organisations' items with their
    packages (BulkRow); NotFound when there is no such run."""
    run = db.session.get(BulkRun, bulk_id)
    if run is None:
        raise NotFound("Deze bulkopdracht bestaat niet.")
    db.session.refresh(run)  # the counts change under us while the run goes on
    items = _page(sa.select(BulkItem).where(BulkItem.bulk_id == bulk_id).order_by(BulkItem.id),
                  page, BULK_ITEMS_PER_PAGE)
    package_ids = [item.package_id for item in items.items if item.package_id]
    packages = {p.id: p for p in db.session.scalars(
        sa.select(Package).where(Package.id.in_(package_ids)))} if package_ids else {}
    rows = [BulkRow(item, packages.get(item.package_id)) for item in items.items]
    return (_summary(run, _bulk_counts([run.id])[run.id]),
            Page(rows, items.number, items.per_page, items.total))


def bulk_preview(organisation_ids: list[int], request: PackageRequest) -> list[PreviewRow]:
    """What the package of each organisation would hold, by the same rules as a package made
    by hand, or why there will be none (no contact and signatory on file; the rules refuse).
    Writes nothing; organisations in the order of their names."""
    from app.domain.organisations import OrgKind
    from app.domain.rules import RuleError
    from app.domain.rules import plan_package
    from app.services.bulk import no_people_message
    from app.services.fee_schedules import priced_reference
    from app.domain.rules import DocumentKind
    from app.services.packages import missing_privacy_contacts
    from app.services.packages import on_file_for  # noqa: F401
    from app.services.packages import organisation_on_file

    if not organisation_ids:
        return []
    organisations = db.session.scalars(
        sa.select(Organisation).where(Organisation.id.in_(organisation_ids))
        .options(selectinload(Organisation.agreements)).order_by(Organisation.name)).all()
    with_people = set(db.session.scalars(
        sa.select(Package.organisation_id).where(Package.organisation_id.in_(organisation_ids))
        .distinct()))
    reference = priced_reference()
    rows = []
    for organisation in organisations:
        if organisation.id not in with_people:
            rows.append(PreviewRow(organisation, problem=no_people_message(organisation.name)))
            continue
        wanted = PackageRequest(OrgKind(organisation.kind), request.involvement,
                                request.solutions, request.participant_warning_acknowledged)
        try:
            plan = plan_package(wanted, organisation_on_file(organisation), reference,
                                today=dt.date.today())
        except RuleError as exc:
            rows.append(PreviewRow(organisation, problem=exc.message))
            continue
        missing = missing_privacy_contacts(organisation)
        if DocumentKind.VERWERKERSOVEREENKOMST in plan.kinds and missing:
            rows.append(PreviewRow(organisation, problem=missing))
            continue
        rows.append(PreviewRow(organisation, len(plan.documents),
                               plan.total if plan.fees else None, plan.needs_council))
    return rows
