"""What the dashboard reads: the packages staff must act on now, those waiting on someone else
(with the date they should be done by), and a searchable, filtered list of all packages.

Plain queries and a small classification; nothing here changes a package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.orm import selectinload

from app.domain.formatting import format_date
from app.domain.organisations import OrgKind
from app.domain.states import PackageState
from app.extensions import db
from app.store.models import ContactPerson
from app.store.models import Organisation
from app.store.models import OutgoingMail
from app.store.models import Package
from app.store.models import Signer
from app.web.queries import Page
from app.web.queries import _page

S = PackageState
ACTIVE = (S.CONCEPT, S.KLAAR, S.WACHT_OP_RAAD, S.BESLUIT_GENOMEN, S.VERZONDEN,
          S.DEELS_ONDERTEKEND, S.MISLUKT)
OUT_FOR_SIGNING = (S.VERZONDEN, S.DEELS_ONDERTEKEND)
LIST_MAX = 100  # each of the two lists shows at most this many (the count says how many more)
PACKAGES_PER_PAGE = 50
MAX_QUERY = 200


@dataclass(frozen=True)
class Item:
    """A package in one of the two lists: why it is there, since when, until when."""

    package: Package
    why: str
    since: dt.date | None
    deadline: dt.date | None = None
    waiting_on: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class Dashboard:
    act_now: list[Item]
    act_now_total: int
    waiting: list[Item]
    waiting_total: int
    failed_mails: int


@dataclass(frozen=True)
class Filters:
    """What the staff member searched and filtered for (already checked)."""

    q: str = ""
    state: PackageState | None = None
    kind: OrgKind | None = None
    provider: str = ""

    @property
    def args(self) -> dict[str, str]:
        """The non-empty ones, for links that keep them (paging)."""
        values = {"q": self.q, "status": self.state.value if self.state else "",
                  "soort": self.kind.value if self.kind else "", "aanbieder": self.provider}
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.args)


def parse_filters(args, providers) -> Filters:
    """Filters from the query string; unknown values are ignored (never an error)."""
    q = " ".join((args.get("q") or "").split())[:MAX_QUERY]
    try:
        state = PackageState(args.get("status") or "")
    except ValueError:
        state = None
    try:
        kind = OrgKind(args.get("soort") or "")
    except ValueError:
        kind = None
    provider = args.get("aanbieder") or ""
    return Filters(q, state, kind, provider if provider in providers else "")


def _day(moment: dt.datetime | dt.date | None) -> dt.date | None:
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        from app.domain.formatting import DUTCH_TIME

        aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return aware.astimezone(DUTCH_TIME).date()
    return moment


def _current_signer(package: Package) -> Signer | None:
    for signer in sorted(package.signers, key=lambda s: s.order):
        if signer.state not in ("ondertekend", "geweigerd"):
            return signer
    return None


def classify(package: Package, today: dt.date, sign_days: int) -> tuple[str, Item] | None:
    """("nu", item) when staff must act, ("wacht", item) when someone else must, else None."""
    state = PackageState(package.state)
    created = _day(package.created_at)
    changed = _day(package.updated_at) or created
    if state == S.MISLUKT:
        return "nu", Item(package, package.last_error
                          or "Er ging iets mis; kijk in de tijdlijn van het pakket.", changed)
    if state == S.CONCEPT:
        return "nu", Item(package, "Controleer het pakket en maak de documenten.", created)
    if state == S.KLAAR:
        why = ("Start de raadsprocedure: stuur de raadsbrief naar de gemeente."
               if package.needs_council else "Verstuur het pakket ter ondertekening.")
        return "nu", Item(package, why, changed)
    if state == S.BESLUIT_GENOMEN:
        return "nu", Item(package, "Het college heeft besloten: verstuur het pakket ter "
                                   "ondertekening.", package.college_decision_on or changed)
    if state == S.WACHT_OP_RAAD:
        deadline = package.council_deadline
        late = bool(deadline and deadline < today)
        if package.attention:  # flagged by the raad step (no collegebesluit after reminding)
            return "nu", Item(package, package.attention, changed, deadline, overdue=late)
        if late:
            return "nu", Item(
                package, f"De termijn van de raad liep tot en met {format_date(deadline)}. "
                         "Vraag het collegebesluit op en leg het vast.", changed, deadline,
                overdue=True)
        if deadline is None:
            return "wacht", Item(package, "Het ontwerpbesluit moet nog naar de raad; daarna "
                                          "is de termijn van de raad bekend.",
                                 package.council_started_on or changed, None,
                                 f"De gemeente {package.organisation.name}")
        return "wacht", Item(package, "De raad kan wensen en bedenkingen indienen.",
                             package.council_sent_on or changed, deadline,
                             f"De gemeenteraad van {package.organisation.name}")
    if state in OUT_FOR_SIGNING:
        sent = _day(package.sent_at) or changed
        deadline = sent + dt.timedelta(days=sign_days) if sent else None
        signer = _current_signer(package)
        who = (f"{signer.name} ({signer.role}, "
               f"{'NVSI' if signer.party == 'nvsi' else package.organisation.name})"
               if signer else "De ondertekenaars")
        if deadline and deadline < today:
            return "nu", Item(
                package, f"De handtekening blijft uit sinds {format_date(sent)}: stuur een "
                         "herinnering of vraag de status op.", sent, deadline, who, True)
        return "wacht", Item(package, "Ondertekenen.", sent, deadline, who)
    return None


def _order(item: Item) -> tuple:
    return (not item.overdue, item.deadline or dt.date.max, item.since or dt.date.max,
            item.package.id)


def dashboard(today: dt.date, sign_days: int) -> Dashboard:
    """The two lists over every active package (oldest and overdue first)."""
    packages = db.session.scalars(
        sa.select(Package).where(Package.state.in_([s.value for s in ACTIVE]))
        .options(selectinload(Package.organisation), selectinload(Package.signers))
        .order_by(Package.id)).all()
    act_now, waiting = [], []
    for package in packages:
        found = classify(package, today, sign_days)
        if found:
            (act_now if found[0] == "nu" else waiting).append(found[1])
    act_now.sort(key=_order)
    waiting.sort(key=_order)
    failed = db.session.scalar(sa.select(sa.func.count(OutgoingMail.id))
                               .where(OutgoingMail.state == "mislukt")) or 0
    return Dashboard(act_now[:LIST_MAX], len(act_now), waiting[:LIST_MAX], len(waiting), failed)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(filters: Filters, page: int = 1) -> Page:
    """One page of packages matching the filters, newest first. `q` matches the reference,
    the organisation's name or CBS code, and the name or e-mail address of the contact
    person, the signatory or any signer."""
    query = (sa.select(Package).join(Package.organisation)
             .options(selectinload(Package.organisation), selectinload(Package.signers)))
    if filters.q:
        pattern = _like(filters.q)
        contact = aliased(ContactPerson)

        def has(column):
            return sa.func.lower(column).like(pattern, escape="\\")

        people = sa.select(contact.id).where(sa.or_(has(contact.name), has(contact.email)))
        signers = sa.select(Signer.package_id).where(sa.or_(has(Signer.name),
                                                             has(Signer.email)))
        query = query.where(sa.or_(
            has(Package.reference_number), has(Organisation.name),
            has(sa.func.coalesce(Organisation.cbs_code, "")),
            Package.contact_id.in_(people), Package.signatory_id.in_(people),
            Package.id.in_(signers)))
    if filters.state:
        query = query.where(Package.state == filters.state.value)
    if filters.kind:
        query = query.where(Organisation.kind == filters.kind.value)
    if filters.provider:
        query = query.where(Package.provider == filters.provider)
    return _page(query.order_by(Package.created_at.desc(), Package.id.desc()), page,
                 PACKAGES_PER_PAGE)


def known_providers() -> list[str]:
    """The signing providers staff can filter by: those configured and those packages used."""
    from app.services.providers import available_providers

    used = db.session.scalars(sa.select(Package.provider).where(Package.provider.is_not(None))
                              .distinct()).all()
    return sorted(set(available_providers()) | set(used))
