"""Built-in signing: the mailed links, the e-mailed codes and each signer's decision.

A signer gets a link when it is their turn (the organisation's signer first, then NVSI's
board, in order). The link is single-purpose and bound to one signer and to the SHA-256 of
the documents as they were sent; only the SHA-256 of its random token is stored. Opening it
asks for a six-digit code sent to the signer's address (an HMAC of it is stored; it works
CODE_MINUTES, CODE_TRIES wrong tries, at most MAX_CODES codes per link). After the code, the
signer reads the documents and signs (name typed, statement accepted) or declines with a
reason.

Every decision goes through the one door: it becomes a callback of the `builtin` provider,
signed with its key, and takes the path every provider callback takes (recorded, deduplicated,
applied by app.services.tracking), in one transaction with the next signer's link. Every
refusal (an expired, used or foreign link, a wrong code, too many codes or tries, documents
changed since the link was sent) is said in Dutch, changes nothing of the package, and is
written to its timeline.

The `signing_link` row is also the evidence of the signature (see the model).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from app.domain.formatting import format_date
from app.domain.lifecycle import OUT_FOR_SIGNING
from app.domain.states import PackageState
from app.domain.states import SignerState
from app.extensions import db
from app.mail.backends import MailError
from app.runtime import runtime
from app.services import mailing
from app.services import timeline
from app.services.callbacks import receive_callback
from app.services.errors import ServiceError
from app.services.providers import BUILTIN
from app.services.providers import builtin_secret
from app.services.tracking import queue_mail_delivery
from app.services.tracking import signer_key
from app.store.files import StoreError
from app.store.files import sha256
from app.store.models import Document
from app.store.models import Package
from app.store.models import Signer
from app.store.models import SigningLink
from app.store.models import utcnow
from signing.providers.builtin import BuiltinProvider

log = logging.getLogger(__name__)

ACTOR = "ondertekenpagina"
CODE_MINUTES = 10
CODE_TRIES = 5
MAX_CODES = 5
STATEMENT = "Ik heb de documenten gelezen en onderteken ze namens {party}."
SIGNED, DECLINED = "ondertekend", "geweigerd"


class LinkRefused(ServiceError):
    """The link cannot be used (now); `message` is Dutch, `reason` a short code for tests
    and the timeline details."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Visit:
    """An opened, usable link: its row, package, signer and the documents to sign."""

    link: SigningLink
    package: Package
    signer: Signer
    documents: list[Document]

    @property
    def party(self) -> str:
        return party_of(self.package, self.signer)

    @property
    def statement(self) -> str:
        return STATEMENT.format(party=self.party)


def party_of(package: Package, signer: Signer) -> str:
    """On whose behalf `signer` signs: the association or the organisation."""
    if signer.party == "nvsi":
        return runtime().reference.association.name
    return package.organisation.name


# --- links ------------------------------------------------------------------------------------

def link_path(package: Package, signer: Signer, token: str) -> str:
    return f"/ondertekenen/{package.reference_number}/{signer.order}/{token}"


def invite(package: Package, signer: Signer, previous: Signer | None = None) -> str:
    """Make `signer`'s link and queue the mail with it (no commit); earlier links of this
    signer stop working. Returns the link's path."""
    now = utcnow()
    for old in db.session.scalars(sa.select(SigningLink).where(
            SigningLink.signer_id == signer.id, SigningLink.replaced_at.is_(None),
            SigningLink.decision.is_(None))):
        old.replaced_at = now
    token = secrets.token_urlsafe(32)
    days = runtime().settings.builtin_link_days
    documents = [{"id": d.id, "title": d.title, "sha256": d.sent_sha256 or d.pdf_sha256}
                 for d in package.documents if d.signed_required]
    db.session.add(SigningLink(package_id=package.id, signer_id=signer.id,
                               token_sha256=_token_hash(token), documents=documents,
                               created_at=now, expires_at=now + dt.timedelta(days=days),
                               email=signer.email, codes_sent=0, code_failures=0))
    path = link_path(package, signer, token)
    url = runtime().settings.public_url.rstrip("/") + path
    mailing.queue_signing_link(package, signer, url, (now + dt.timedelta(days=days)).date(),
                               previous)
    queue_mail_delivery(package.id)
    timeline.record(package, ACTOR, "ondertekenlink",
                    f"Link om te ondertekenen gemaakt voor {_who(signer)}; geldig tot en met "
                    f"{format_date((now + dt.timedelta(days=days)).date())}.",
                    signer=signer.order)
    return path


def remind(package: Package) -> None:
    """Send the signer whose turn it is a new link (the earlier one stops working); no
    commit. Raises ServiceError when nobody is waiting."""
    signer = next_signer(package)
    if signer is None:
        raise ServiceError("Iedereen heeft al ondertekend of geweigerd; er is niemand om aan "
                           "te herinneren.")
    done = [s for s in package.signers if s.order < signer.order and s.state == "ondertekend"]
    invite(package, signer, previous=max(done, key=lambda s: s.order) if done else None)


def next_signer(package: Package, after: Signer | None = None) -> Signer | None:
    """The signer whose turn comes after `after` (or the first one not done)."""
    ordered = sorted(package.signers, key=lambda s: s.order)
    if after is not None:
        ordered = [s for s in ordered if s.order > after.order]
    return next((s for s in ordered if not SignerState(s.state).is_done), None)


def open_link(reference: str, order: int, token: str) -> Visit:
    """The usable link for this address; raises LinkRefused (and writes the refusal to the
    package's timeline, committed) for an unknown, foreign, expired, replaced or used link,
    a package no longer out for signing, or documents changed since the link was sent."""
    link = db.session.scalar(sa.select(SigningLink).where(
        SigningLink.token_sha256 == _token_hash(token)))
    if link is None:
        raise LinkRefused("onbekend", "Deze link is niet (meer) geldig. Controleer of u de "
                          "hele link uit de e-mail heeft gebruikt.")
    package = db.session.get(Package, link.package_id)
    signer = link.signer
    if package.reference_number != reference or signer.order != order:
        _refuse(package, "vreemd", "Deze link hoort bij een andere ondertekenaar of een ander "
                "pakket. Gebruik de link uit uw eigen e-mail.", signer)
    if link.decision:
        when = format_date(link.decided_at.date()) if link.decided_at else ""
        _refuse(package, "gebruikt", f"Deze link is al gebruikt: u heeft op {when} "
                f"{'ondertekend' if link.decision == SIGNED else 'geweigerd'}. Er is niets "
                "meer te doen.", signer)
    state = PackageState(package.state)
    if state not in OUT_FOR_SIGNING:
        _refuse(package, "beeindigd", "Deze documenten zijn niet meer te ondertekenen: het "
                f"pakket heeft de status '{state.label}'. Neem bij vragen contact op met de "
                "NVSI.", signer)
    if link.replaced_at is not None:
        _refuse(package, "vervangen", "Er is u een nieuwere link gestuurd; deze werkt niet "
                "meer. Gebruik de link uit de laatste e-mail.", signer)
    if link.expires_at < utcnow():
        _refuse(package, "verlopen", f"Deze link is verlopen op "
                f"{format_date(link.expires_at.date())}. Vraag de NVSI om een nieuwe link.",
                signer)
    documents = _documents_as_sent(package, link, signer)
    return Visit(link, package, signer, documents)


def _documents_as_sent(package: Package, link: SigningLink, signer: Signer) -> list[Document]:
    """The documents of the link, checked against the SHA-256 recorded when it was sent."""
    by_id = {d.id: d for d in package.documents}
    found = []
    for entry in link.documents:
        document = by_id.get(entry["id"])
        if document is None or (document.pdf_sha256 or "") != entry["sha256"]:
            _refuse(package, "gewijzigd", "De documenten zijn gewijzigd nadat deze link is "
                    "verstuurd. Onderteken nu niet; de NVSI neemt contact met u op.", signer)
        found.append(document)
    return found


def document_pdf(visit: Visit, document_id: int) -> tuple[Document, bytes]:
    """The PDF of one document of the link, exactly as sent; raises LinkRefused when it
    changed in the store, ServiceError when it is not one of the link's documents."""
    document = next((d for d in visit.documents if d.id == document_id), None)
    if document is None:
        raise ServiceError("Dit document hoort niet bij deze link.")
    try:
        pdf = runtime().store.get(document.pdf_key)
    except StoreError:
        raise ServiceError("Dit document is nu niet beschikbaar. Probeer het later opnieuw.") \
            from None
    if sha256(pdf) != document.pdf_sha256:
        _refuse(visit.package, "gewijzigd", "De documenten zijn gewijzigd nadat deze link is "
                "verstuurd. Onderteken nu niet; de NVSI neemt contact met u op.", visit.signer)
    return document, pdf


def _refuse(package: Package, reason: str, message: str, signer: Signer | None = None):
    db.session.rollback()
    package = db.session.get(Package, package.id)
    timeline.record(package, ACTOR, "ondertekenpagina",
                    f"Ondertekenpagina geweigerd{' voor ' + _who(signer) if signer else ''}: "
                    f"{message}", refusal=reason, signer=signer.order if signer else None)
    db.session.commit()
    log.info("signing page refused: package=%s reason=%s", package.id, reason)
    raise LinkRefused(reason, message)


# --- codes ------------------------------------------------------------------------------------

def masked_email(address: str) -> str:
    """`b…@utrecht.example`: enough for the signer to recognise their address."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"


def send_code(visit: Visit, ip: str | None, user_agent: str | None) -> None:
    """Make a new six-digit code and mail it to the signer at once; the earlier code stops
    working. Raises LinkRefused after MAX_CODES codes, ServiceError when the mail failed."""
    link = visit.link
    if link.codes_sent >= MAX_CODES:
        _refuse(visit.package, "te_veel_codes", f"Er zijn al {MAX_CODES} codes voor deze link "
                "verstuurd. Vraag de NVSI om een nieuwe link.", visit.signer)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    try:
        mailing.send_signing_code(visit.package, visit.signer, code, CODE_MINUTES)
    except MailError:
        db.session.rollback()
        raise ServiceError("De code kon nu niet worden verstuurd. Probeer het over een paar "
                           "minuten opnieuw.") from None
    now = utcnow()
    link.code_hmac = _code_hmac(link, code)
    link.code_sent_at = now
    link.code_expires_at = now + dt.timedelta(minutes=CODE_MINUTES)
    link.codes_sent += 1
    link.code_failures = 0
    link.email = visit.signer.email
    _note_client(link, ip, user_agent)
    timeline.record(visit.package, ACTOR, "ondertekencode",
                    f"Code om te ondertekenen per e-mail verstuurd aan {_who(visit.signer)} "
                    f"({link.codes_sent} van {MAX_CODES}).", signer=visit.signer.order)
    db.session.commit()


def check_code(visit: Visit, code: str, ip: str | None, user_agent: str | None) -> str:
    """Check the typed code; return a fresh session nonce that opens the documents in this
    browser. Raises ServiceError (field "code") for a wrong, expired or used-up code."""
    link = visit.link
    code = "".join(code.split())
    if not link.code_hmac:
        raise ServiceError("Vraag eerst een code aan.", "code")
    if link.code_expires_at is None or link.code_expires_at < utcnow():
        link.code_hmac = None
        _code_refused(visit, "code_verlopen", f"De code is verlopen (hij werkt {CODE_MINUTES} "
                      "minuten). Vraag een nieuwe code aan.")
    if not hmac.compare_digest(_code_hmac(link, code), link.code_hmac):
        link.code_failures += 1
        left = CODE_TRIES - link.code_failures
        if left <= 0:
            link.code_hmac = None
            _code_refused(visit, "te_veel_pogingen", f"De code is {CODE_TRIES} keer onjuist "
                          "ingevuld en werkt niet meer. Vraag een nieuwe code aan.")
        _code_refused(visit, "code_onjuist", "Deze code klopt niet. Controleer de code in de "
                      f"laatste e-mail; u kunt het nog {left} keer proberen.")
    nonce = secrets.token_urlsafe(24)
    link.code_hmac = None  # a code opens the link once
    link.code_verified_at = utcnow()
    link.session_nonce = nonce
    _note_client(link, ip, user_agent)
    timeline.record(visit.package, ACTOR, "ondertekencode",
                    f"{_who(visit.signer).capitalize()} heeft de juiste code ingevuld.",
                    signer=visit.signer.order)
    db.session.commit()
    return nonce


def _code_refused(visit: Visit, reason: str, message: str):
    """Keep the counters (they are the limit), write the refusal, raise ServiceError."""
    timeline.record(visit.package, ACTOR, "ondertekenpagina",
                    f"Ondertekenpagina geweigerd voor {_who(visit.signer)}: {message}",
                    refusal=reason, signer=visit.signer.order)
    db.session.commit()
    raise ServiceError(message, "code")


def verified(visit: Visit, nonce: str | None) -> bool:
    """Whether this browser entered the link's code (its session holds the nonce)."""
    return bool(nonce and visit.link.session_nonce
                and hmac.compare_digest(nonce, visit.link.session_nonce))


# --- deciding ---------------------------------------------------------------------------------

def mark_viewed(visit: Visit) -> None:
    """The signer saw the documents (once): a `viewed` step through the one door."""
    if visit.link.viewed_at is not None:
        return
    visit.link.viewed_at = utcnow()
    _through_the_door(visit, "viewed")


def sign(visit: Visit, typed_name: str, accepted: bool, ip: str | None,
         user_agent: str | None) -> None:
    """Sign: the name typed must be the signer's, the statement accepted. The next signer
    gets their link in the same transaction; after the last one the package is complete.
    Raises ServiceError (field "name" or "statement")."""
    typed = " ".join((typed_name or "").split())
    if not typed:
        raise ServiceError("Typ uw naam om te ondertekenen.", "name")
    if typed.casefold() != " ".join(visit.signer.name.split()).casefold():
        raise ServiceError(f"Typ uw naam zoals die hierboven staat: {visit.signer.name}.", "name")
    if not accepted:
        raise ServiceError("Vink de verklaring aan om te ondertekenen.", "statement")
    link = visit.link
    _decide(link, SIGNED, ip, user_agent)
    link.typed_name = typed[:200]
    link.statement = visit.statement
    following = next_signer(visit.package, after=visit.signer)
    if following is None:
        _through_the_door(visit, "signed_last")
        return
    invite(visit.package, following, previous=visit.signer)
    _through_the_door(visit, "signed", next_signer_key=signer_key(following))


def decline(visit: Visit, reason: str, ip: str | None, user_agent: str | None) -> None:
    """Decline with a reason: the package ends `geweigerd`. Raises ServiceError (field
    "reason") without one."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Geef een reden op waarom u niet ondertekent.", "reason")
    _decide(visit.link, DECLINED, ip, user_agent)
    visit.link.reason = reason[:2000]
    _through_the_door(visit, "declined", reason=reason[:2000])


def _decide(link: SigningLink, decision: str, ip: str | None, user_agent: str | None) -> None:
    link.decision = decision
    link.decided_at = utcnow()
    link.session_nonce = None  # the link is used
    _note_client(link, ip, user_agent)


def _through_the_door(visit: Visit, event: str, **extra) -> None:
    """Turn a step into a `builtin` callback signed with its key and hand it to the callback
    path (which commits the step with everything added to the session)."""
    payload = {"envelope_id": visit.package.envelope_id, "step_id": f"link-{visit.link.id}",
               "event": event, "signer_key": signer_key(visit.signer),
               "at": dt.datetime.now(dt.UTC).isoformat(), **extra}
    headers, body = BuiltinProvider.sign(builtin_secret(), payload)
    if not receive_callback(BUILTIN, headers, body, actor=ACTOR):
        raise ServiceError("Uw ondertekening kon niet worden verwerkt. Probeer het opnieuw.")


# --- helpers ----------------------------------------------------------------------------------

def _who(signer: Signer) -> str:
    party = "NVSI" if signer.party == "nvsi" else "organisatie"
    return f"{signer.role} ({party})"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _code_hmac(link: SigningLink, code: str) -> str:
    key = runtime().settings.secret().encode()
    return hmac.new(key, f"signing-code:{link.id}:{code}".encode(), hashlib.sha256).hexdigest()


def _note_client(link: SigningLink, ip: str | None, user_agent: str | None) -> None:
    link.ip_address = (ip or "")[:64] or None
    link.user_agent = (user_agent or "")[:500] or None
