"""The data model (SQLAlchemy 2 typed mappings); works on SQLite and PostgreSQL.

Organisations with their contact persons and the agreements on file; packages with their
documents, signers, fees, state and timeline; staff users and API tokens; webhook deliveries,
applied provider events and outgoing mail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.domain.staff import StaffRole
from app.domain.states import BulkItemState
from app.domain.states import JobState
from app.domain.states import MailState
from app.domain.states import SignerState
from app.extensions import db

Money = sa.Numeric(12, 2)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_nonce() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(40))
    cbs_code: Mapped[str | None] = mapped_column(sa.String(6), unique=True)
    kvk: Mapped[str | None] = mapped_column(sa.String(8))
    oin: Mapped[str | None] = mapped_column(sa.String(20))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    postcode: Mapped[str | None] = mapped_column(sa.String(7))
    city: Mapped[str | None] = mapped_column(sa.String(200))
    # The privacy officer (functionaris gegevensbescherming, FG) and the contact for data
    # breaches, reachable at any hour: both named in the verwerkersovereenkomst.
    fg_name: Mapped[str | None] = mapped_column(sa.String(200))
    fg_email: Mapped[str | None] = mapped_column(sa.String(320))
    fg_phone: Mapped[str | None] = mapped_column(sa.String(40))
    breach_name: Mapped[str | None] = mapped_column(sa.String(200))
    breach_email: Mapped[str | None] = mapped_column(sa.String(320))
    breach_phone: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    contacts: Mapped[list[ContactPerson]] = relationship(
        back_populates="organisation", order_by="ContactPerson.id"
    )
    agreements: Mapped[list[Agreement]] = relationship(
        back_populates="organisation", order_by="Agreement.signed_on"
    )
    packages: Mapped[list[Package]] = relationship(
        back_populates="organisation", order_by="Package.created_at.desc()"
    )
    events: Mapped[list[OrganisationEvent]] = relationship(
        back_populates="organisation", order_by="OrganisationEvent.id"
    )


class ContactPerson(db.Model):
    """A person at an organisation: its contact for the NVSI, or its signatory."""

    __tablename__ = "contact_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    function: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # on file as the organisation's "contactpersoon" or "ondertekenaar" (None: only on packages)
    on_file_as: Mapped[str | None] = mapped_column(sa.String(20))
    signatory_capacity: Mapped[str | None] = mapped_column(sa.String(20))  # for a signer
    replaced_at: Mapped[dt.datetime | None]  # no longer on file; packages keep pointing here

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")


class OrganisationEvent(db.Model):
    """One change to an organisation's record (details, address, people): who, when, what."""

    __tablename__ = "organisation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(200))
    message: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    organisation: Mapped[Organisation] = relationship(back_populates="events")


class Agreement(db.Model):
    """An agreement on file: registration, verwerkersovereenkomst or gebruiksovereenkomst."""

    __tablename__ = "agreement"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "kind", "solution_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # AgreementKind
    solution_code: Mapped[str] = mapped_column(sa.String(60), default="")
    signed_on: Mapped[dt.date]
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("package.id"))
    # For a gebruiksovereenkomst: the version of the NVSI Voorwaarden it declared applicable.
    voorwaarden_version: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="agreements")


class Package(db.Model):
    __tablename__ = "package"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    involvement: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(30), index=True)
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contact_person.id"))
    signatory_id: Mapped[int] = mapped_column(sa.ForeignKey("contact_person.id"))
    participant_warning_acknowledged: Mapped[bool] = mapped_column(default=False)
    needs_council: Mapped[bool] = mapped_column(default=False)
    council_deadline: Mapped[dt.date | None]
    college_decision_on: Mapped[dt.date | None]
    college_decision_reference: Mapped[str | None] = mapped_column(sa.String(200))
    # The raad step (Gemeentewet art. 160 lid 2): started, sent to the raad, the raad's
    # reaction (CouncilReaction) with an optional upload of its letter, the reminder.
    council_started_on: Mapped[dt.date | None]
    council_sent_on: Mapped[dt.date | None]
    council_reaction: Mapped[str | None] = mapped_column(sa.String(40))
    council_reaction_on: Mapped[dt.date | None]
    council_reaction_text: Mapped[str | None] = mapped_column(sa.Text)
    council_letter_key: Mapped[str | None] = mapped_column(sa.String(300))
    council_letter_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    council_letter_filename: Mapped[str | None] = mapped_column(sa.String(200))
    council_reminder_sent_on: Mapped[dt.date | None]
    # Why the package needs staff's attention now (set by a service, cleared by the next step)
    attention: Mapped[str | None] = mapped_column(sa.Text)
    # Who signs for the organisation and on what authority (SignatoryCapacity; art. 171)
    signatory_capacity: Mapped[str | None] = mapped_column(sa.String(20))
    volmacht_on: Mapped[dt.date | None]
    volmacht_reference: Mapped[str | None] = mapped_column(sa.String(200))
    volmacht_key: Mapped[str | None] = mapped_column(sa.String(300))
    volmacht_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    volmacht_filename: Mapped[str | None] = mapped_column(sa.String(200))
    second_signatory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contact_person.id"))
    skipped: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{kind, reason, solution}]
    warnings: Mapped[list] = mapped_column(sa.JSON, default=list)
    # What the invoices of the package's first calendar year come to, excluding VAT.
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # The NVSI Voorwaarden version its gebruiksovereenkomsten name (None: it has none).
    voorwaarden_version: Mapped[str | None] = mapped_column(sa.String(40))
    # The open package this one replaced (withdrawn on purpose, with the reason, or
    # corrected after sending); a package is replaced by one package at most.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("package.id"), unique=True,
                                                    index=True)
    provider: Mapped[str | None] = mapped_column(sa.String(40))
    envelope_id: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    send_key: Mapped[str | None] = mapped_column(sa.String(80))  # idempotency key of the send
    # Set when creating the envelope failed with an unknown outcome (it may exist at the
    # provider without our knowing its id): a resend looks it up or waits for staff to decide.
    send_unknown_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    state_reason: Mapped[str | None] = mapped_column(sa.Text)  # why it was declined/cancelled
    audit_trail_key: Mapped[str | None] = mapped_column(sa.String(300))
    audit_trail_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    audit_trail_filename: Mapped[str | None] = mapped_column(sa.String(200))
    created_by: Mapped[str] = mapped_column(sa.String(200), default="systeem")
    # An API client's Idempotency-Key and the SHA-256 of its request: a repeated POST
    # returns the package made the first time instead of a second one.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    request_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[dt.datetime | None]
    signed_at: Mapped[dt.datetime | None]
    reminders_paused: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organisation: Mapped[Organisation] = relationship(back_populates="packages")
    contact: Mapped[ContactPerson] = relationship(foreign_keys=[contact_id])
    signatory: Mapped[ContactPerson] = relationship(foreign_keys=[signatory_id])
    second_signatory: Mapped[ContactPerson | None] = relationship(
        foreign_keys=[second_signatory_id])
    replaces: Mapped[Package | None] = relationship(
        foreign_keys=[replaces_id], remote_side="Package.id", back_populates="replaced_by")
    replaced_by: Mapped[Package | None] = relationship(
        foreign_keys=[replaces_id], back_populates="replaces", uselist=False)
    solutions: Mapped[list[PackageSolution]] = relationship(
        back_populates="package", order_by="PackageSolution.position",
        cascade="all, delete-orphan",
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="package", order_by="Document.position", cascade="all, delete-orphan"
    )
    signers: Mapped[list[Signer]] = relationship(
        back_populates="package", order_by="Signer.order", cascade="all, delete-orphan"
    )
    events: Mapped[list[TimelineEvent]] = relationship(
        back_populates="package", order_by="TimelineEvent.id", cascade="all, delete-orphan"
    )


class PackageSolution(db.Model):
    """A solution asked for in a package, with its start date and fee as worked out."""

    __tablename__ = "package_solution"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    solution_code: Mapped[str] = mapped_column(sa.String(60))
    start_date: Mapped[dt.date]
    contracted: Mapped[bool] = mapped_column(default=True)  # False: already on file, skipped
    fee_year: Mapped[int | None]
    licence: Mapped[Decimal | None] = mapped_column(Money)
    management: Mapped[Decimal | None] = mapped_column(Money)
    surcharge: Mapped[Decimal | None] = mapped_column(Money)
    surcharge_kind: Mapped[str | None] = mapped_column(sa.String(20))
    surcharge_rate: Mapped[Decimal | None] = mapped_column(Money)
    alv_decision: Mapped[str | None] = mapped_column(sa.String(300))
    total: Mapped[Decimal | None] = mapped_column(Money)

    package: Mapped[Package] = relationship(back_populates="solutions")


class Document(db.Model):
    """One document of a package, with the keys and SHA-256 of each of its versions."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(40))
    solution_code: Mapped[str | None] = mapped_column(sa.String(60))
    start_date: Mapped[dt.date | None]
    title: Mapped[str] = mapped_column(sa.String(300))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    signed_required: Mapped[bool] = mapped_column(default=True)
    filename: Mapped[str | None] = mapped_column(sa.String(200))
    template_version: Mapped[str | None] = mapped_column(sa.String(64))  # short SHA-256
    template_number: Mapped[int | None]  # 1 = the shipped file, 2… = TemplateVersion.number
    docx_key: Mapped[str | None] = mapped_column(sa.String(300))
    docx_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_key: Mapped[str | None] = mapped_column(sa.String(300))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    made_at: Mapped[dt.datetime | None]
    sent_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    sent_at: Mapped[dt.datetime | None]
    signed_key: Mapped[str | None] = mapped_column(sa.String(300))
    signed_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    signed_at: Mapped[dt.datetime | None]

    package: Mapped[Package] = relationship(back_populates="documents")
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number",
        cascade="all, delete-orphan")


class DocumentVersion(db.Model):
    """One made version of a document: its files with SHA-256, why it was made, and when
    (and to whom) it went out. The document row holds the latest version's keys; earlier
    versions stay in the store, so the archive shows what went out when."""

    __tablename__ = "document_version"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"), index=True)
    number: Mapped[int]
    template_version: Mapped[str | None] = mapped_column(sa.String(64))
    template_number: Mapped[int | None]  # the template version it was made with
    docx_key: Mapped[str | None] = mapped_column(sa.String(300))
    docx_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_key: Mapped[str | None] = mapped_column(sa.String(300))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    made_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    made_by: Mapped[str] = mapped_column(sa.String(200), default="systeem")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[dt.datetime | None]
    sent_to: Mapped[str | None] = mapped_column(sa.String(200))  # Dutch: where it went

    document: Mapped[Document] = relationship(back_populates="versions")


class Signer(db.Model):
    """A person who signs a package, in order: the organisation first, then the NVSI board."""

    __tablename__ = "signer"
    __table_args__ = (sa.UniqueConstraint("package_id", "order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    order: Mapped[int]
    party: Mapped[str] = mapped_column(sa.String(20))  # "organisatie" or "nvsi"
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    role: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(20), default=SignerState.WACHTEND.value)
    state_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)

    package: Mapped[Package] = relationship(back_populates="signers")

    @property
    def key(self) -> str:
        """Our signer id as the provider sees it."""
        return f"signer-{self.id}"


class TimelineEvent(db.Model):
    """One change in a package's life: who or what, when, and the details."""

    __tablename__ = "timeline_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(60))
    message: Mapped[str] = mapped_column(sa.Text)
    state_from: Mapped[str | None] = mapped_column(sa.String(30))
    state_to: Mapped[str | None] = mapped_column(sa.String(30))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    package: Mapped[Package] = relationship(back_populates="events")


class ReminderSent(db.Model):
    """An automatic reminder that went out: one per package, step ("organisatie", "nvsi")
    and number in the schedule, so running the reminders twice sends nothing twice."""

    __tablename__ = "reminder_sent"
    __table_args__ = (sa.UniqueConstraint("package_id", "step", "number",
                                          name="uq_reminder_sent_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    step: Mapped[str] = mapped_column(sa.String(20))
    number: Mapped[int]
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AppliedEvent(db.Model):
    """A provider event already applied to a package: the same event twice is harmless."""

    __tablename__ = "applied_event"
    __table_args__ = (sa.UniqueConstraint("provider", "dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(40))
    dedupe_key: Mapped[str] = mapped_column(sa.String(300))
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    applied_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WebhookDelivery(db.Model):
    """A provider callback as it arrived (the body itself is not kept, only its hash)."""

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(40), index=True)
    dedupe_key: Mapped[str] = mapped_column(sa.String(300), index=True)
    envelope_id: Mapped[str | None] = mapped_column(sa.String(200))
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("package.id"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    body_sha256: Mapped[str] = mapped_column(sa.String(64))
    # aanvaard, dubbel, onbekend, genegeerd (authentic, nothing to do), ongeldig, te_groot
    outcome: Mapped[str] = mapped_column(sa.String(40))
    processed_at: Mapped[dt.datetime | None]


class OutgoingMail(db.Model):
    """A mail queued in the database first and sent after, so nothing is lost."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("package.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipients: Mapped[list] = mapped_column(sa.JSON)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{key, filename, type}]
    state: Mapped[str] = mapped_column(sa.String(20), default=MailState.WACHTEND.value,
                                       index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    message_id: Mapped[str | None] = mapped_column(sa.String(300))


class TemplateVersion(db.Model):
    """A version of a document template that a beheerder uploaded.

    Version 1 of every kind is the file shipped in templates_docx/ and has no row; uploads
    are numbered 2, 3, … per kind. The newest is the one new packages use; the bytes stay in
    the document store under `store_key`, so every earlier version can be read again.
    """

    __tablename__ = "template_version"
    __table_args__ = (sa.UniqueConstraint("kind", "number", name="uq_template_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)  # DocumentKind
    number: Mapped[int]
    version: Mapped[str] = mapped_column(sa.String(12))  # short SHA-256, as on documents
    sha256: Mapped[str] = mapped_column(sa.String(64))
    store_key: Mapped[str] = mapped_column(sa.String(300))
    filename: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    uploaded_by: Mapped[str] = mapped_column(sa.String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(db.Model):
    """A member of NVSI staff who signs in to the pages."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    active: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str] = mapped_column(sa.String(20), default="medewerker",
                                      server_default="medewerker")
    # Part of the id in every session cookie: a new nonce (sign-out, a new password,
    # deactivation) ends every session of this user at once.
    session_nonce: Mapped[str] = mapped_column(sa.String(64), default=lambda: new_nonce(),
                                               server_default="initial")
    deactivated_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Flask-Login
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_beheerder(self) -> bool:
        return self.role == StaffRole.BEHEERDER


class LoginThrottle(db.Model):
    """Failed sign-ins for one (address, client) pair: the key is a SHA-256 of both, so the
    table holds no address or IP address. Counted with one atomic upsert."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int]
    window_start: Mapped[dt.datetime]


class SigningLink(db.Model):
    """One mailed link of the built-in signing pages: bound to one signer and to the SHA-256
    of the documents as they were when it was sent. Only the SHA-256 of the link's token and
    an HMAC of the e-mailed code are kept. The row is also the evidence of that signer's
    signature: where the code went, when it was asked and entered, from which IP address and
    browser, the statement accepted and the documents seen."""

    __tablename__ = "signing_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("signer.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    documents: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{id, title, sha256}]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    replaced_at: Mapped[dt.datetime | None]  # a newer link for the same signer was sent
    email: Mapped[str] = mapped_column(sa.String(320))  # where the codes go
    code_hmac: Mapped[str | None] = mapped_column(sa.String(64))
    code_sent_at: Mapped[dt.datetime | None]
    code_expires_at: Mapped[dt.datetime | None]
    codes_sent: Mapped[int] = mapped_column(default=0)
    code_failures: Mapped[int] = mapped_column(default=0)  # wrong tries of the current code
    code_verified_at: Mapped[dt.datetime | None]
    session_nonce: Mapped[str | None] = mapped_column(sa.String(64))
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(500))
    viewed_at: Mapped[dt.datetime | None]
    typed_name: Mapped[str | None] = mapped_column(sa.String(200))
    statement: Mapped[str | None] = mapped_column(sa.Text)
    decision: Mapped[str | None] = mapped_column(sa.String(20))  # ondertekend / geweigerd
    reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[dt.datetime | None]

    signer: Mapped[Signer] = relationship()


class SignedUpload(db.Model):
    """One signed scan uploaded for a document; every upload is kept, none overwritten (the
    document's signed_key names the newest)."""

    __tablename__ = "signed_upload"
    __table_args__ = (sa.UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("document.id"), index=True)
    version: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(300))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[str] = mapped_column(sa.String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(db.Model):
    """A bearer token for other NVSI systems; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_by: Mapped[str | None] = mapped_column(sa.String(200))
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class JobRun(db.Model):
    """One durable background job (documents, a send, a poll, a download, mail, a sweep).

    Written in the same transaction as the change that needs it, then run by the background
    runner (embedded) or an RQ worker. A runner holds it under a lease (`lease_owner`,
    `lease_until`, renewed by a heartbeat); a job whose lease ran out is taken again. A failed
    attempt waits until `due_at` (backoff); `error` keeps the last error for the package page.
    `key` names a job that is only wanted once while it waits (one poll per package, one
    run of a periodic task per period). Jobs take ids and are safe to run twice.
    """

    __tablename__ = "job_run"
    __table_args__ = (
        sa.Index("ix_job_run_due", "state", "due_at"),
        sa.Index("uq_job_run_waiting_key", "key", unique=True,
                 sqlite_where=sa.text(f"state = '{JobState.WACHTEND.value}'"),
                 postgresql_where=sa.text(f"state = '{JobState.WACHTEND.value}'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("package.id"), index=True)
    bulk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bulk_run.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))  # module:function
    label: Mapped[str] = mapped_column(sa.String(200))  # Dutch, for the page
    args: Mapped[list] = mapped_column(sa.JSON, default=list)
    key: Mapped[str | None] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(20), default=JobState.WACHTEND.value,
                                       index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=6)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[dt.datetime | None]  # put on the RQ queue (production)
    lease_owner: Mapped[str | None] = mapped_column(sa.String(120))
    lease_until: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]


class BulkRun(db.Model):
    """Packages made and sent for a set of organisations at once, with per-organisation results."""

    __tablename__ = "bulk_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(sa.String(300))
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    total: Mapped[int] = mapped_column(default=0)
    items: Mapped[list[BulkItem]] = relationship(back_populates="bulk", order_by="BulkItem.id",
                                                 cascade="all, delete-orphan")


class BulkItem(db.Model):
    """One organisation in a bulk run: its package, or why there is none."""

    __tablename__ = "bulk_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulk_id: Mapped[int] = mapped_column(sa.ForeignKey("bulk_run.id"), index=True)
    organisation_label: Mapped[str] = mapped_column(sa.String(300))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    package_id: Mapped[int | None] = mapped_column(sa.ForeignKey("package.id"))
    state: Mapped[str] = mapped_column(sa.String(20), default=BulkItemState.WACHTEND.value)
    error: Mapped[str | None] = mapped_column(sa.Text)

    bulk: Mapped[BulkRun] = relationship(back_populates="items")


# --- the general assembly (ALV) and the fee schedules it sets ------------------------------------

class AlvMeeting(db.Model):
    """A meeting of the Algemene Ledenvergadering: when, and where (a place, online, or both)."""

    __tablename__ = "alv_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    online: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    decisions: Mapped[list[AlvDecision]] = relationship(
        back_populates="meeting", order_by="AlvDecision.number")

    @property
    def where(self) -> str:
        if self.place and self.online:
            return f"{self.place} en online"
        return self.place or "online"


class AlvDecision(db.Model):
    """A decision of the ALV: its number (unique), date, subject and text."""

    __tablename__ = "alv_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("alv_meeting.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    decided_on: Mapped[dt.date]
    subject: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    meeting: Mapped[AlvMeeting] = relationship(back_populates="decisions")
    fee_schedules: Mapped[list[FeeSchedule]] = relationship(
        back_populates="decision", order_by="FeeSchedule.year")


class FeeSchedule(db.Model):
    """The fees of one calendar year as an ALV decision set them: the surcharge for office
    costs/general services and, in `lines`, every solution's licence and management fee."""

    __tablename__ = "fee_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("alv_decision.id"), index=True)
    surcharge_kind: Mapped[str] = mapped_column(sa.String(20))  # SurchargeKind
    surcharge_value: Mapped[Decimal] = mapped_column(Money)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    decision: Mapped[AlvDecision] = relationship(back_populates="fee_schedules")
    lines: Mapped[list[FeeScheduleLine]] = relationship(
        back_populates="schedule", order_by="FeeScheduleLine.id", cascade="all, delete-orphan")


class FeeScheduleLine(db.Model):
    """One solution's licence and management fee in a year's schedule."""

    __tablename__ = "fee_schedule_line"
    __table_args__ = (sa.UniqueConstraint("schedule_id", "solution_code",
                                          name="uq_fee_schedule_line_solution"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_schedule.id"), index=True)
    solution_code: Mapped[str] = mapped_column(sa.String(60))
    licence: Mapped[Decimal] = mapped_column(Money)
    management: Mapped[Decimal] = mapped_column(Money)

    schedule: Mapped[FeeSchedule] = relationship(back_populates="lines")


# --- doorontwikkeling: regiegroepen, verbeterwensen, innovatiekas --------------------------------

class RegiegroepMember(db.Model):
    """A representative in a solution's regiegroep: a contact person of an organisation that
    uses the solution (lid or participant). At most one member per solution is chair."""

    __tablename__ = "regiegroep_member"
    __table_args__ = (sa.UniqueConstraint("solution_code", "contact_person_id",
                                          name="uq_regiegroep_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_code: Mapped[str] = mapped_column(sa.String(60), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    contact_person_id: Mapped[int] = mapped_column(sa.ForeignKey("contact_person.id"))
    is_chair: Mapped[bool] = mapped_column(default=False)
    added_by: Mapped[str] = mapped_column(sa.String(200))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[ContactPerson] = relationship()


class ImprovementWish(db.Model):
    """A verbeterwens for a solution, handed in on behalf of an organisation; its state is a
    WishState and only app.domain.improvements.decide() says what may come next."""

    __tablename__ = "improvement_wish"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(30), unique=True)
    solution_code: Mapped[str] = mapped_column(sa.String(60), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[str] = mapped_column(sa.String(30), index=True)
    estimate: Mapped[Decimal | None] = mapped_column(Money)  # the supplier's estimate
    priority: Mapped[int | None]
    funding: Mapped[str | None] = mapped_column(sa.String(30))  # Funding
    cover_description: Mapped[str | None] = mapped_column(sa.Text)
    cover_amount: Mapped[Decimal | None] = mapped_column(Money)
    committed: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))  # from the kas
    needs_alv: Mapped[bool] = mapped_column(default=False)
    alv_decision_number: Mapped[str | None] = mapped_column(sa.String(100))
    alv_decision_on: Mapped[dt.date | None]
    actual_cost: Mapped[Decimal | None] = mapped_column(Money)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    events: Mapped[list[WishEvent]] = relationship(
        back_populates="wish", order_by="WishEvent.id", cascade="all, delete-orphan")
    documents: Mapped[list[WishDocument]] = relationship(
        back_populates="wish", order_by="WishDocument.id", cascade="all, delete-orphan")


class WishEvent(db.Model):
    """One step of a wish: the date it happened, who recorded it, the reason."""

    __tablename__ = "wish_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(sa.ForeignKey("improvement_wish.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(30))  # WishAction, or "ingediend"
    state_from: Mapped[str | None] = mapped_column(sa.String(30))
    state_to: Mapped[str] = mapped_column(sa.String(30))
    happened_on: Mapped[dt.date]
    actor: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    wish: Mapped[ImprovementWish] = relationship(back_populates="events")


class WishDocument(db.Model):
    """A document made for a wish (the proposal to the bestuur, the ALV agenda item)."""

    __tablename__ = "wish_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(sa.ForeignKey("improvement_wish.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # DocumentKind
    filename: Mapped[str] = mapped_column(sa.String(200))
    docx_key: Mapped[str] = mapped_column(sa.String(300))
    docx_sha256: Mapped[str] = mapped_column(sa.String(64))
    made_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    wish: Mapped[ImprovementWish] = relationship(back_populates="documents")


class Innovatiekas(db.Model):
    """The balance of a solution's innovatiekas; every change is a KasEntry. The row is
    locked while a line is written, so the balance is never negative."""

    __tablename__ = "innovatiekas"

    solution_code: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))


class KasEntry(db.Model):
    """One line of an innovatiekas ledger (LedgerKind), with the balance after it."""

    __tablename__ = "kas_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_code: Mapped[str] = mapped_column(sa.String(60), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[Decimal] = mapped_column(Money)
    balance_after: Mapped[Decimal] = mapped_column(Money)
    wish_id: Mapped[int | None] = mapped_column(sa.ForeignKey("improvement_wish.id"))
    booked_on: Mapped[dt.date]
    description: Mapped[str] = mapped_column(sa.Text)
    actor: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    wish: Mapped[ImprovementWish | None] = relationship()


class OutgoingEndpoint(db.Model):
    """An address of another NVSI system that receives package events as signed webhooks.

    `secret` (`whsec_` + base64) signs every message (Standard Webhooks); it is shown once,
    when the endpoint is registered, and never logged. `events` lists the event types wanted.
    """

    __tablename__ = "outgoing_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(2000))
    events: Mapped[list] = mapped_column(sa.JSON, default=list)
    secret: Mapped[str] = mapped_column(sa.String(120))
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[dt.datetime | None]


class OutgoingEvent(db.Model):
    """One package event as a message: its `webhook_id` (the same on every attempt and for
    every endpoint) and the exact JSON body that is signed and sent."""

    __tablename__ = "outgoing_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("package.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutgoingDelivery(db.Model):
    """One event for one endpoint: its attempts, and the job that (re)tries it (`job_id`: the
    latest; its state and `due_at` say whether and when the next attempt comes)."""

    __tablename__ = "outgoing_delivery"
    __table_args__ = (sa.UniqueConstraint("endpoint_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_endpoint.id"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_event.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job_run.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]

    endpoint: Mapped[OutgoingEndpoint] = relationship()
    event: Mapped[OutgoingEvent] = relationship()
    job: Mapped[JobRun | None] = relationship()
    attempts: Mapped[list[OutgoingAttempt]] = relationship(
        back_populates="delivery", order_by="OutgoingAttempt.id", cascade="all, delete-orphan")


class OutgoingAttempt(db.Model):
    """One POST of an event to an endpoint: the HTTP status, or what went wrong (Dutch)."""

    __tablename__ = "outgoing_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_delivery.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))
    actor: Mapped[str] = mapped_column(sa.String(200))  # "systeem", or who asked to resend

    delivery: Mapped[OutgoingDelivery] = relationship(back_populates="attempts")
