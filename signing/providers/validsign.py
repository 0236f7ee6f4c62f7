"""ValidSign (the Dutch host of OneSpan Sign), as its REST API documentation describes it.

Followed: the ValidSign API 7.2 OpenAPI description (apidocs.validsign.nl) and OneSpan's
guides on callbacks, signing status and transaction status (docs.onespan.com).

* Auth: ``Authorization: Basic <api_key>`` with the raw key (no base64 of ``user:pass``).
* Send: ``POST /api/packages`` as a DRAFT with one role per signer (role id and signer id
  are our signer key, ``index`` is the signing order) - the one non-idempotent call whose
  retry could duplicate an envelope. Then per document ``POST .../documents`` (multipart
  ``file`` + ``payload``, document id = our document key) and one signature approval per
  role, then ``PUT /api/packages/{id}`` ``{"status": "SENT"}``. A resumed send reads the
  package first and only adds the documents and approvals that are missing.
* The idempotency key is in the package ``description`` (searchable in the ValidSign
  portal), next to our reference.
* Signature fields: one FULLNAME field per signer at the bottom of each document's last
  page, stacked in signing order. This is a placeholder layout until the templates carry
  ValidSign text tags.
* Callbacks carry ``Authorization: Basic <callback key>`` and only ids, so
  ``callback_is_trigger`` is True: confirm with ``status()``. Events we do not map (e.g.
  ``PACKAGE_CREATE``, ``EMAIL_BOUNCE``) parse to no events.
* Cancel deletes the package (ValidSign has no void with a reason); the reason stays in our
  own timeline. Remind re-sends the invitation to the signer(s) whose turn it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

from ..base import REQUIRED, Provider, dict_items, json_dict, pdf_filename
from ..errors import InvalidCallback, OutcomeUnknown, ProviderRejected
from ..types import (
    Document,
    EnvelopeState,
    EnvelopeStatus,
    EventKind,
    SendRequest,
    SignedBundle,
    SignedDocument,
    SignerState,
    SignerStatus,
    SigningEvent,
)

STATES = {
    "DRAFT": EnvelopeState.DRAFT,
    "SENT": EnvelopeState.SENT,
    "COMPLETED": EnvelopeState.COMPLETED,
    "ARCHIVED": EnvelopeState.COMPLETED,
    "DECLINED": EnvelopeState.DECLINED,
    "OPTED_OUT": EnvelopeState.DECLINED,
    "EXPIRED": EnvelopeState.EXPIRED,
}
CALLBACK_EVENTS = {
    "PACKAGE_ACTIVATE": EventKind.SENT,
    "SIGNER_COMPLETE": EventKind.SIGNER_SIGNED,
    "PACKAGE_COMPLETE": EventKind.COMPLETED,
    "PACKAGE_ARCHIVE": EventKind.COMPLETED,  # archived after completion: still a trigger
    "PACKAGE_DECLINE": EventKind.DECLINED,
    "PACKAGE_OPT_OUT": EventKind.DECLINED,
    "PACKAGE_EXPIRE": EventKind.EXPIRED,
    "PACKAGE_TRASH": EventKind.CANCELLED,
    "PACKAGE_DELETE": EventKind.CANCELLED,
}
CONSENT_DOCUMENT = "default-consent"  # OneSpan adds this electronic-disclosure document
FIELD = {"left": 72.0, "width": 200.0, "height": 50.0, "step": 60.0, "margin": 72.0}


class ValidSignProvider(Provider):
    """Adapter for ValidSign / OneSpan Sign packages."""

    name = "validsign"
    label = "ValidSign"
    choice_label = "ValidSign (elektronisch)"
    actor_label = "ValidSign (ondertekendienst)"
    options = MappingProxyType({
        "base_url": "https://my.validsign.nl",
        "api_key": REQUIRED,
        "callback_key": REQUIRED,
        "timeout": 30.0,
        "max_retries": 3,
    })
    secret_options = frozenset({"api_key", "callback_key"})
    callback_is_trigger = True
    can_poll = True
    can_download = True
    can_remind = True

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Basic {self.config['api_key']}", "Accept": "application/json"}

    @staticmethod
    def _now() -> datetime:
        return datetime.now(timezone.utc)

    # --- sending ---------------------------------------------------------------------

    def send(
        self,
        request: SendRequest,
        *,
        on_created: Callable[[str], None] | None = None,
        existing_envelope_id: str | None = None,
    ) -> str:
        """Create the package, add documents and approvals and send it; return its id.

        With ``existing_envelope_id`` the package is read instead of created; a package
        that is no longer a draft is left alone. Raises as ``Provider.send`` describes.
        """
        if existing_envelope_id is None:
            # Not idempotent and ValidSign documents no idempotency key: the HTTP helper
            # repeats it only when ValidSign provably did not receive it.
            response = self._request("POST", "/api/packages", idempotent=False,
                                     json=self.package_body(request))
            envelope_id = json_dict(response).get("id")
            if not isinstance(envelope_id, str) or not envelope_id:
                raise OutcomeUnknown("POST /api/packages: response without id")
            if on_created is not None:
                on_created(envelope_id)
            present: dict[str, dict[str, Any]] = {}
        else:
            envelope_id = existing_envelope_id
            package = self._package(envelope_id)
            if package.get("status") != "DRAFT":
                return envelope_id
            present = {d.get("id"): d for d in dict_items(package.get("documents"))}
        for document in request.documents:
            existing = present.get(document.key)
            if existing is None:
                existing = self._upload(envelope_id, document)
            approved = {a.get("role") for a in dict_items(existing.get("approvals"))}
            signers = request.signers_in_order
            for slot, signer in enumerate(signers):
                if signer.key not in approved:
                    self._approve(envelope_id, document.key, signer.key,
                                  _field(existing, slot, len(signers)))
        # Sending a package twice may be refused, so this is not repeated blindly either;
        # a resumed send sees the package is no longer a draft.
        self._request("PUT", self._path("/api/packages/{}", envelope_id), idempotent=False,
                      json={"status": "SENT"})
        return envelope_id

    def package_body(self, request: SendRequest) -> dict[str, Any]:
        """Return the JSON body of ``POST /api/packages`` for ``request``."""
        language = request.language.split("-")[0].lower()
        due = self._now() + timedelta(days=request.days_to_expire)
        return {
            "type": "PACKAGE",
            "status": "DRAFT",
            "name": request.subject,
            "description": f"{request.reference} ({request.idempotency_key})",
            "emailMessage": request.message,
            "language": language,
            "autocomplete": True,
            "due": due.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "settings": {"ceremony": {"declineButton": True}},
            "roles": [
                {
                    "id": signer.key,
                    "name": signer.key,
                    "type": "SIGNER",
                    "index": signer.order,
                    "signers": [{"id": signer.key, "email": signer.email,
                                 **_split_name(signer.name), "language": language}],
                }
                for signer in request.signers_in_order
            ],
        }

    def _upload(self, envelope_id: str, document: Document) -> dict[str, Any]:
        # Not idempotent (a repeat could add the document twice); a resumed send checks.
        response = self._request(
            "POST", self._path("/api/packages/{}/documents", envelope_id), idempotent=False,
            files={"file": (document.filename, document.pdf, "application/pdf")},
            data={"payload": json.dumps({"id": document.key, "name": document.filename})},
        )
        return json_dict(response)

    def _approve(self, envelope_id: str, document_key: str, role_id: str,
                 field: dict[str, Any]) -> None:
        # Not idempotent (a repeat would ask for a second signature); a resumed send checks.
        self._request(
            "POST",
            self._path("/api/packages/{}/documents/{}/approvals", envelope_id, document_key),
            idempotent=False, json={"role": role_id, "fields": [field]},
        )

    # --- after sending ---------------------------------------------------------------

    def status(self, envelope_id: str) -> EnvelopeStatus:
        """Return the package state; signer states come from the approvals' ``signed`` dates
        and the signing order. A trashed package counts as cancelled."""
        package = self._package(envelope_id)
        state = STATES.get(package.get("status"))
        if state is None:
            raise ProviderRejected(f"GET package: unknown status {package.get('status')!r}")
        if package.get("trashed"):
            state = EnvelopeState.CANCELLED
        roles = _signer_roles(package)
        signed = {role["id"]: self._signed_at(package, role["id"]) for role in roles}
        turn = _current_turn(roles, signed)
        reasons = _decline_reasons(package)
        signers, reason = [], None
        for role in roles:
            email = _role_email(role)
            at, st, why = signed[role["id"]], SignerState.WAITING, None
            if at is not None:
                st = SignerState.SIGNED
            elif role["id"] in turn and state is EnvelopeState.DECLINED:
                st, why = SignerState.DECLINED, reasons.get(email.lower())
                reason = reason or why
            elif role["id"] in turn and state is EnvelopeState.SENT:
                st = SignerState.NOTIFIED
            signers.append(SignerStatus(role["id"], email, st, at, why))
        return EnvelopeStatus(envelope_id, state, signers, reason)

    def download(self, envelope_id: str) -> SignedBundle:
        """Return the signed PDFs and the evidence summary; raises ``ProviderRejected``
        unless the package is completed."""
        package = self._package(envelope_id)
        if STATES.get(package.get("status")) is not EnvelopeState.COMPLETED:
            raise ProviderRejected(
                f"download {envelope_id}: status {package.get('status')!r} is not COMPLETED",
                message="De envelop is nog niet volledig ondertekend.",
            )
        documents = []
        for document in dict_items(package.get("documents")):
            key = document.get("id")
            if not key or key == CONSENT_DOCUMENT:
                continue
            response = self._request(
                "GET", self._path("/api/packages/{}/documents/{}/pdf", envelope_id, key),
                idempotent=True, headers={"Accept": "application/pdf"},
            )
            name = document.get("name") or key
            documents.append(SignedDocument(key, pdf_filename(name), response.content))
        evidence = self._request(
            "GET", self._path("/api/packages/{}/evidence/summary", envelope_id),
            idempotent=True, headers={"Accept": "application/pdf"},
        )
        return SignedBundle(documents, evidence.content, "validsign-evidence-summary.pdf")

    def cancel(self, envelope_id: str, reason: str) -> None:
        """Delete a package that is a draft or out for signing; raises ``ProviderRejected``
        for a package in an end state, ``EnvelopeGone`` for one ValidSign no longer knows.
        A package already trashed is left as it is."""
        package = self._package(envelope_id)
        if package.get("trashed"):
            return
        if package.get("status") not in ("DRAFT", "SENT"):
            raise ProviderRejected(
                f"cancel {envelope_id}: status {package.get('status')!r} is an end state",
                message="Deze envelop is al afgerond en kan niet meer worden ingetrokken.",
            )
        # Deleting twice ends in 404 on the repeat: the package is gone either way.
        self._request("DELETE", self._path("/api/packages/{}", envelope_id), idempotent=True,
                      accept_statuses=(404,))

    def remind(self, envelope_id: str) -> None:
        """Re-send the invitation to the signer(s) whose turn it is; raises
        ``ProviderRejected`` unless the package is out for signing."""
        package = self._package(envelope_id)
        if package.get("status") != "SENT" or package.get("trashed"):
            raise ProviderRejected(
                f"remind {envelope_id}: status {package.get('status')!r} is not SENT",
                message="Herinneren kan alleen bij een envelop die wacht op ondertekening.",
            )
        roles = _signer_roles(package)
        turn = _current_turn(roles, {r["id"]: self._signed_at(package, r["id"]) for r in roles})
        for role in roles:
            if role["id"] not in turn:
                continue
            for signer in dict_items(role.get("signers")):
                if not signer.get("email"):
                    continue
                # Not idempotent: a repeat would mail the signer twice.
                self._request("POST", self._path("/api/packages/{}/notifications", envelope_id),
                              idempotent=False, json={"email": signer["email"]})

    def _package(self, envelope_id: str) -> dict[str, Any]:
        """GET the package; raises ``EnvelopeGone`` on 404 (deleted or purged)."""
        response = self._read_envelope(self._path("/api/packages/{}", envelope_id),
                                       envelope_id)
        return json_dict(response)

    def find_envelope(self, idempotency_key: str) -> str | None:
        """Return the id of the package whose description holds ``idempotency_key`` (see
        ``package_body``), searched with ``GET /api/packages?search=``; ``None`` if none."""
        response = self._request("GET", "/api/packages", idempotent=True,
                                 params={"search": idempotency_key, "from": 1, "to": 50})
        data = json_dict(response)
        for package in dict_items(data.get("results")):
            if f"({idempotency_key})" in str(package.get("description") or "") and \
                    isinstance(package.get("id"), str):
                return package["id"]
        return None

    def _signed_at(self, package: Mapping[str, Any], role_id: str) -> datetime | None:
        """Return when the role signed its last approval, or ``None`` while any is open."""
        approvals = [a for d in dict_items(package.get("documents"))
                     if d.get("id") != CONSENT_DOCUMENT
                     for a in dict_items(d.get("approvals")) if a.get("role") == role_id]
        if not approvals or not all(a.get("signed") for a in approvals):
            return None
        times = [self._timestamp(a["signed"], strict=False) for a in approvals]
        return max((t for t in times if t is not None), default=None)

    # --- callbacks -------------------------------------------------------------------

    @classmethod
    def sign(cls, callback_key: str, event: Mapping[str, Any] | bytes
             ) -> tuple[dict[str, str], bytes]:
        """Return ``(headers, body)`` of a callback as ValidSign sends it."""
        body = event if isinstance(event, bytes) else json.dumps(dict(event)).encode("utf-8")
        return {"Authorization": f"Basic {callback_key}",
                "Content-Type": "application/json; charset=utf-8"}, body

    def _authenticate(self, headers: Mapping[str, str], body: bytes) -> None:
        # Parsed like Gemeente Utrecht's bptl: split on whitespace, scheme "basic" in any
        # case, exactly one token, constant-time comparison with the callback key.
        value = self._header(headers, "Authorization")
        if value is None:
            raise InvalidCallback("missing_header", "Authorization")
        parts = value.split()
        if not parts or parts[0].lower() != "basic":
            raise InvalidCallback("malformed_header", "Authorization scheme is not Basic")
        if len(parts) != 2:
            raise InvalidCallback("malformed_header", "Authorization needs exactly one token")
        if not self._same_secret(parts[1], self.config["callback_key"]):
            raise InvalidCallback("bad_signature", "Authorization")

    def _events(self, payload: dict[str, Any]) -> list[SigningEvent]:
        """Map one callback; dedupe on (name, packageId, documentId, createdDate)."""
        name, package_id = payload.get("name"), payload.get("packageId")
        if not isinstance(name, str) or not isinstance(package_id, str) or not package_id:
            raise InvalidCallback("malformed_body", "name or packageId missing")
        created, document_id = payload.get("createdDate"), payload.get("documentId")
        occurred_at = self._timestamp(created)
        kind = CALLBACK_EVENTS.get(name)
        if kind is None:
            return []
        message = payload.get("message")
        return [SigningEvent(
            envelope_id=package_id,
            kind=kind,
            occurred_at=occurred_at,
            dedupe_key=f"validsign:{name}:{package_id}:{document_id}:{created}",
            # For signer events the session user is the signer, whose id is our key.
            signer_key=payload.get("sessionUser") if kind is EventKind.SIGNER_SIGNED else None,
            reason=message if kind is EventKind.DECLINED and isinstance(message, str) else None,
            document_key=document_id if isinstance(document_id, str) else None,
        )]


def _split_name(name: str) -> dict[str, str]:
    """Split a full name into ValidSign's ``firstName`` and ``lastName`` at the first space
    ("Jan van der Berg" -> "Jan", "van der Berg"); a single word becomes the last name."""
    first, _, last = name.strip().partition(" ")
    return {"firstName": first, "lastName": last.strip()} if last else {
        "firstName": "", "lastName": first}


def _field(document: Mapping[str, Any], slot: int, count: int) -> dict[str, Any]:
    """Return the signature field of the signer in ``slot`` (0 signs first): on the
    document's last page, the ``count`` fields stacked above the bottom margin."""
    pages = sorted(dict_items(document.get("pages")), key=lambda p: p.get("index") or 0)
    last = pages[-1] if pages else {}
    height = last.get("height")
    if isinstance(height, (int, float)) and height > 0:
        top = height - FIELD["margin"] - (count - slot) * FIELD["step"]
    else:
        top = FIELD["margin"] + slot * FIELD["step"]
    return {"type": "SIGNATURE", "subtype": "FULLNAME", "page": last.get("index") or 0,
            "left": FIELD["left"], "top": top, "width": FIELD["width"], "height": FIELD["height"]}


def _signer_roles(package: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the signing roles in signing order (the sender's own role is left out)."""
    roles = [r for r in dict_items(package.get("roles"))
             if r.get("type", "SIGNER") == "SIGNER" and isinstance(r.get("id"), str)]
    return sorted(roles, key=lambda r: r.get("index") or 0)


def _current_turn(roles: list[dict[str, Any]], signed: Mapping[str, datetime | None]
                  ) -> set[str]:
    """Return the ids of the unsigned roles with the lowest signing index."""
    waiting = [r for r in roles if signed.get(r["id"]) is None]
    if not waiting:
        return set()
    first = waiting[0].get("index") or 0
    return {r["id"] for r in waiting if (r.get("index") or 0) == first}


def _role_email(role: Mapping[str, Any]) -> str:
    signers = dict_items(role.get("signers"))
    return str(signers[0].get("email") or "") if signers else ""


def _decline_reasons(package: Mapping[str, Any]) -> dict[str, str]:
    """Return decline messages by the sender's lowercased e-mail (OneSpan keeps a signer's
    decline reason as a package message)."""
    reasons = {}
    for message in dict_items(package.get("messages")):
        sender = message.get("from")
        if isinstance(sender, dict) and sender.get("email") and message.get("content"):
            reasons[str(sender["email"]).lower()] = str(message["content"])
    return reasons
