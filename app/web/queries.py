"""What the overview and organisation pages read: plain queries, no changes.

State changes go through the services; these only gather what a page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.domain.formatting import format_date
from app.domain.rules import PackageRequest
from app.domain.states import BulkItemState
from app.domain.states import PackageState
from app.extensions import db
from app.services.errors import NotFound
from app.store.models import BulkItem
from app.store.models import BulkRun
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
    packages: list[Package]  # those on this page
    total: int = 0  # in every page


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


@dataclass(frozen=True)
class Overview:
    attention: list[Attention]
    groups: list[StateGroup]
    count: int
    page: Page | None = None


OVERVIEW_PER_PAGE = 100
ATTENTION_MAX = 100


def overview(today: dt.date, overdue_days: int, page: int = 1) -> Overview:
    """Packages grouped by state (newest first, OVERVIEW_PER_PAGE a page) and the ones that
    need attention (at most ATTENTION_MAX, found by the database, not by reading every row).

    Attention: the raad's deadline has passed while the package waits for the College; the
    signatures have been outstanding for more than `overdue_days` days; a send or a
    conversion failed.
    """
    listed = _page(sa.select(Package).options(selectinload(Package.organisation))
                   .order_by(Package.created_at.desc(), Package.id.desc()),
                   page, OVERVIEW_PER_PAGE)
    totals = dict(db.session.execute(
        sa.select(Package.state, sa.func.count(Package.id)).group_by(Package.state)).all())
    by_state: dict[str, list[Package]] = {}
    for package in listed.items:
        by_state.setdefault(package.state, []).append(package)
    groups = [StateGroup(state, by_state.get(state.value, []), totals[state.value])
              for state in STATE_ORDER if totals.get(state.value)]

    overdue_before = utcnow() - dt.timedelta(days=overdue_days)
    candidates = db.session.scalars(
        sa.select(Package).options(selectinload(Package.organisation))
        .where(sa.or_(
            Package.state == PackageState.MISLUKT.value,
            sa.and_(Package.state == PackageState.WACHT_OP_RAAD.value,
                    sa.or_(Package.council_deadline < today, Package.attention.is_not(None))),
            sa.and_(Package.state.in_(OUT_FOR_SIGNING), Package.sent_at < overdue_before)))
        .order_by(Package.created_at.desc(), Package.id.desc()).limit(ATTENTION_MAX)).all()
    attention = []
    for package in candidates:
        reason = _needs_attention(package, today, overdue_before, overdue_days)
        if reason:
            attention.append(Attention(package, reason))
    return Overview(attention, groups, listed.total, listed)


def _needs_attention(package: Package, today: dt.date, overdue_before: dt.datetime,
                     overdue_days: int) -> str | None:
    if package.state == PackageState.MISLUKT.value:
        return package.last_error or "Er ging iets mis; kijk in de tijdlijn van het pakket."
    if package.attention and package.state == PackageState.WACHT_OP_RAAD.value:
        return package.attention
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
    from app.runtime import runtime
    from app.services.bulk import no_people_message
    from app.services.packages import on_file_for

    if not organisation_ids:
        return []
    organisations = db.session.scalars(
        sa.select(Organisation).where(Organisation.id.in_(organisation_ids))
        .options(selectinload(Organisation.agreements)).order_by(Organisation.name)).all()
    with_people = set(db.session.scalars(
        sa.select(Package.organisation_id).where(Package.organisation_id.in_(organisation_ids))
        .distinct()))
    reference = runtime().reference
    rows = []
    for organisation in organisations:
        if organisation.id not in with_people:
            rows.append(PreviewRow(organisation, problem=no_people_message(organisation.name)))
            continue
        wanted = PackageRequest(OrgKind(organisation.kind), request.involvement,
                                request.solutions, request.participant_warning_acknowledged)
        try:
            plan = plan_package(wanted, on_file_for(organisation.agreements), reference)
        except RuleError as exc:
            rows.append(PreviewRow(organisation, problem=exc.message))
            continue
        rows.append(PreviewRow(organisation, len(plan.documents),
                               plan.total if plan.fees else None, plan.needs_council))
    return rows
