"""Entrust Signhost (formerly Evidos), as its REST API documentation describes it.

Followed: the Signhost OpenAPI description and the guides on postbacks, statuses and signing
flows (https://evidos.github.io/, repository Evidos/evidos.github.io).

* Auth: ``Application: APPKey <app_key>`` and ``Authorization: APIKey <api_key>``.
* Send: ``POST /api/transaction`` (the one non-idempotent call), then per document an
  idempotent ``PUT /api/transaction/{id}/file/{fileId}`` of the metadata (display name) and
  of the PDF, then ``PUT /api/transaction/{id}/start``. Our document key is the file id and
  our signer key the signer ``Reference``; the idempotency key is the transaction
  ``Reference`` so staff can find an orphan after an unclear failure.
* Postbacks: only the ``Checksum`` (transaction id and status) and an optional static
  ``Authorization`` header are authenticated, so ``callback_is_trigger`` is True: confirm
  with ``status()``. Signhost blocks its queue on any non-2xx answer, so ``callback_reply``
  is always 200.
* Postback URL: register it once in the Signhost portal. A per-transaction ``PostbackUrl``
  gets no checksum or security header (postbacks guide), so it is only sent when the option
  ``postback_url_per_transaction`` is on.
* Reminders are automatic only (``DaysToRemind``): ``remind`` raises ``NotSupported``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..base import REQUIRED, Provider, dict_items, json_dict, pdf_filename
from ..errors import EnvelopeGone, InvalidCallback, OutcomeUnknown, ProviderRejected
from ..types import (
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

# Transaction Status codes (Signhost "status" guide).
WAITING_FOR_DOCUMENT, SIGNED = 5, 30
OPEN_STATUSES = frozenset({5, 10, 20})
STATES = {
    5: EnvelopeState.DRAFT,
    10: EnvelopeState.SENT,
    20: EnvelopeState.SENT,
    30: EnvelopeState.COMPLETED,
    40: EnvelopeState.DECLINED,
    50: EnvelopeState.EXPIRED,
    60: EnvelopeState.CANCELLED,
    70: EnvelopeState.FAILED,
}
STATUS_EVENTS = {
    10: EventKind.SENT,
    30: EventKind.COMPLETED,
    40: EventKind.DECLINED,
    50: EventKind.EXPIRED,
    60: EventKind.CANCELLED,
    70: EventKind.FAILED,
}
# Signer activity codes: 101 invitation sent, 104 reminder sent, 103 opened,
# 105 document opened, 202 rejected, 203 signed. The 3xx/4xx codes (after signing) are ignored.
ACTIVITY_STATES = {
    101: SignerState.NOTIFIED,
    104: SignerState.NOTIFIED,
    103: SignerState.VIEWED,
    105: SignerState.VIEWED,
    202: SignerState.DECLINED,
    203: SignerState.SIGNED,
}
ACTIVITY_EVENTS = {
    SignerState.NOTIFIED: EventKind.SIGNER_NOTIFIED,
    SignerState.VIEWED: EventKind.SIGNER_VIEWED,
    SignerState.DECLINED: EventKind.SIGNER_DECLINED,
    SignerState.SIGNED: EventKind.SIGNER_SIGNED,
}
_RANK = {SignerState.WAITING: 0, SignerState.NOTIFIED: 1, SignerState.VIEWED: 2,
         SignerState.SIGNED: 3, SignerState.DECLINED: 3}
SUBJECT_LIMIT = 64  # SignRequestSubject: at most 64 characters


class SignhostProvider(Provider):
    """Adapter for the Entrust Signhost REST API."""

    name = "signhost"
    label = "Signhost"
    choice_label = "Signhost (elektronisch)"
    actor_label = "Signhost (ondertekendienst)"
    options = MappingProxyType({
        "base_url": "https://api.signhost.com",
        "app_key": REQUIRED,
        "api_key": REQUIRED,
        "shared_secret": REQUIRED,
        "postback_authorization": None,
        "postback_url_per_transaction": False,
        "timeout": 30.0,
        "max_retries": 3,
    })
    secret_options = frozenset({"app_key", "api_key", "shared_secret", "postback_authorization"})
    callback_is_trigger = True
    acknowledges_invalid_callbacks = True
    can_poll = True
    can_download = True

    def _auth_headers(self) -> dict[str, str]:
        return {
            "Application": f"APPKey {self.config['app_key']}",
            "Authorization": f"APIKey {self.config['api_key']}",
            "Accept": "application/json",
        }

    # --- sending ---------------------------------------------------------------------

    def send(
        self,
        request: SendRequest,
        *,
        on_created: Callable[[str], None] | None = None,
        existing_envelope_id: str | None = None,
    ) -> str:
        """Create the transaction, upload the PDFs and start it; return the transaction id.

        With ``existing_envelope_id`` the transaction is fetched instead of created; when it
        has already started nothing more is done. Raises as ``Provider.send`` describes.
        """
        if existing_envelope_id is None:
            # Not idempotent and Signhost documents no idempotency key: the HTTP helper
            # repeats it only when Signhost provably did not receive it.
            response = self._request("POST", "/api/transaction", idempotent=False,
                                     json=self.transaction_body(request))
            envelope_id = json_dict(response).get("Id")
            if not isinstance(envelope_id, str) or not envelope_id:
                raise OutcomeUnknown("POST /api/transaction: response without Id")
            if on_created is not None:
                on_created(envelope_id)
        else:
            envelope_id = existing_envelope_id
            if self._transaction(envelope_id).get("Status") != WAITING_FOR_DOCUMENT:
                return envelope_id
        for index, document in enumerate(request.documents, start=1):
            path = self._path("/api/transaction/{}/file/{}", envelope_id, document.key)
            # The metadata must precede the PDF; both PUTs replace, so they are idempotent.
            self._request("PUT", path, idempotent=True,
                          json={"DisplayName": document.filename, "DisplayOrder": index})
            digest = base64.b64encode(hashlib.sha256(document.pdf).digest()).decode("ascii")
            self._request("PUT", path, idempotent=True, data=document.pdf, headers={
                "Content-Type": "application/pdf", "Digest": f"SHA-256={digest}",
            })
        # Starting twice is refused, so only repeat it when it provably did not arrive;
        # a resumed send checks the status first.
        self._request("PUT", self._path("/api/transaction/{}/start", envelope_id),
                      idempotent=False)
        return envelope_id

    def transaction_body(self, request: SendRequest) -> dict[str, Any]:
        """Return the JSON body of ``POST /api/transaction`` for ``request``."""
        subject = request.subject if len(request.subject) <= SUBJECT_LIMIT else (
            request.subject[: SUBJECT_LIMIT - 1] + "…"
        )
        body: dict[str, Any] = {
            "Seal": False,
            "Reference": request.idempotency_key,
            "DaysToExpire": request.days_to_expire,
            "SendEmailNotifications": True,
            "SignRequestMode": 2,  # sequential: the next signer is invited after the previous
            "Language": request.language,
            "Context": {"reference": request.reference},
            "Signers": [
                {
                    "Email": signer.email,
                    "Reference": signer.key,
                    "SendSignRequest": True,
                    "SignRequestSubject": subject,
                    "SignRequestMessage": request.message,
                    "Language": request.language,
                    # A signer needs at least one verification; Scribble (a drawn or typed
                    # signature) is one that may come last.
                    "Verifications": [{"Type": "Scribble", "ScribbleName": signer.name}],
                }
                for signer in request.signers_in_order
            ],
        }
        if request.callback_url and self.config["postback_url_per_transaction"]:
            body["PostbackUrl"] = request.callback_url
        return body

    # --- after sending ---------------------------------------------------------------

    def status(self, envelope_id: str) -> EnvelopeStatus:
        """Return the transaction's state (a 410 still carries the historical status)."""
        tx = self._transaction(envelope_id)
        signers = [self._signer_status(s) for s in dict_items(tx.get("Signers"))]
        code = tx.get("Status")
        state = STATES.get(code) if isinstance(code, int) else None
        if state is None:
            raise ProviderRejected(f"GET transaction: unknown Status {code!r}")
        reference = tx.get("Reference")
        return EnvelopeStatus(envelope_id, state, signers, _reason(tx),
                              reference if isinstance(reference, str) else None)

    def download(self, envelope_id: str) -> SignedBundle:
        """Return the signed PDFs and the receipt; raises ``ProviderRejected`` before
        Status 30 (the signed files and the receipt only exist then)."""
        tx = self._transaction(envelope_id)
        if tx.get("Status") != SIGNED:
            raise ProviderRejected(
                f"download {envelope_id}: Status {tx.get('Status')!r} is not 30",
                message="De envelop is nog niet volledig ondertekend.",
            )
        documents = []
        for file_id, entry in (tx.get("Files") or {}).items():
            response = self._request(
                "GET", self._path("/api/transaction/{}/file/{}", envelope_id, file_id),
                idempotent=True, headers={"Accept": "application/pdf"},
                # 404 with Retry-After: the file is still being processed (Signhost docs).
                transient_statuses=(404,),
            )
            name = (entry.get("DisplayName") if isinstance(entry, dict) else None) or file_id
            documents.append(SignedDocument(file_id, pdf_filename(name), response.content))
        receipt = self._request("GET", self._path("/api/file/receipt/{}", envelope_id),
                                idempotent=True, headers={"Accept": "application/pdf"})
        return SignedBundle(documents, receipt.content, "signhost-receipt.pdf")

    def cancel(self, envelope_id: str, reason: str) -> None:
        """Cancel an open transaction (Status 5/10/20) and notify the signers.

        On an end state the same DELETE would erase the documents, so it is refused here,
        and it is never repeated blindly for the same reason. A transaction Signhost no
        longer knows raises ``EnvelopeGone``.
        """
        code = self._transaction(envelope_id).get("Status")
        if code not in OPEN_STATUSES:
            raise ProviderRejected(
                f"cancel {envelope_id}: Status {code!r} is an end state",
                message="Deze envelop is al afgerond en kan niet meer worden ingetrokken.",
            )
        try:
            self._request("DELETE", self._path("/api/transaction/{}", envelope_id),
                          idempotent=False, json={"Reason": reason, "SendNotifications": True})
        except ProviderRejected as exc:
            if exc.status == 404:  # gone meanwhile: what the cancel wanted
                raise EnvelopeGone(f"DELETE transaction {envelope_id}: HTTP 404",
                                   status=404) from None
            raise

    def _transaction(self, envelope_id: str) -> dict[str, Any]:
        """GET the transaction (a 410 still carries it); raises ``EnvelopeGone`` on 404."""
        response = self._read_envelope(self._path("/api/transaction/{}", envelope_id),
                                       envelope_id, accept_statuses=(410,))
        return json_dict(response)

    def _signer_status(self, signer: Mapping[str, Any]) -> SignerStatus:
        state, at = SignerState.WAITING, None
        for activity in dict_items(signer.get("Activities")):
            found = ACTIVITY_STATES.get(activity.get("Code"))
            if found is not None and _RANK[found] >= _RANK[state]:
                state = found
                at = self._timestamp(activity.get("CreatedDateTime"), strict=False)
        for field, final in (("SignedDateTime", SignerState.SIGNED),
                             ("RejectDateTime", SignerState.DECLINED)):
            if signer.get(field):
                state, at = final, self._timestamp(signer[field], strict=False)
        return SignerStatus(signer.get("Reference"), signer.get("Email") or "", state, at,
                            signer.get("RejectReason"))

    # --- postbacks -------------------------------------------------------------------

    @staticmethod
    def checksum(transaction_id: str, status: int, shared_secret: str) -> str:
        """Return the postback checksum: lowercase hex SHA-1 of
        ``"{transaction id}||{status}|{shared secret}"`` (Signhost postbacks guide)."""
        text = f"{transaction_id}||{status}|{shared_secret}"
        return hashlib.sha1(text.encode("utf-8")).hexdigest()  # noqa: S324 - Signhost's formula

    @classmethod
    def sign(
        cls,
        shared_secret: str,
        transaction: Mapping[str, Any] | bytes,
        *,
        authorization: str | None = None,
        transaction_id: str | None = None,
        status: int | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """Return ``(headers, body)`` of a postback as Signhost sends it.

        A mapping is a Transaction; its ``Checksum`` is computed from ``Id`` and ``Status``
        and put in the body and the ``Checksum`` header. Raw bytes are sent as they are,
        with the checksum of ``transaction_id`` and ``status``.
        """
        if isinstance(transaction, bytes):
            checksum = cls.checksum(str(transaction_id), int(status or 0), shared_secret)
            body = transaction
        else:
            checksum = cls.checksum(transaction["Id"], transaction["Status"], shared_secret)
            body = json.dumps({**transaction, "Checksum": checksum}).encode("utf-8")
        headers = {"Content-Type": "application/json", "Checksum": checksum}
        if authorization is not None:
            headers["Authorization"] = authorization
        return headers, body

    def _authenticate(self, headers: Mapping[str, str], body: bytes) -> None:
        expected_authorization = self.config["postback_authorization"]
        if expected_authorization:
            given = self._header(headers, "Authorization")
            if given is None:
                raise InvalidCallback("missing_header", "Authorization")
            if not self._same_secret(given, expected_authorization):
                raise InvalidCallback("bad_signature", "Authorization")
        payload = self._json_object(body)
        # As Signhost's own client does: the header first, the body property as fallback.
        given = self._header(headers, "Checksum") or payload.get("Checksum")
        if not given or not isinstance(given, str):
            raise InvalidCallback("missing_header", "Checksum")
        transaction_id, status = _id_and_status(payload)
        expected = self.checksum(transaction_id, status, self.config["shared_secret"])
        if not self._same_secret(given.lower(), expected):
            raise InvalidCallback("bad_signature", "Checksum")

    def _events(self, payload: dict[str, Any]) -> list[SigningEvent]:
        """Signer activities first, then the transaction status.

        Dedupe keys: an activity by (activity Id, Code, CreatedDateTime); the transaction by
        (Id, Status) - the Checksum the guide also names is a function of those two.
        """
        transaction_id, status = _id_and_status(payload)
        events = []
        for signer in dict_items(payload.get("Signers")):
            for activity in dict_items(signer.get("Activities")):
                code = activity.get("Code")
                state = ACTIVITY_STATES.get(code)
                if state is None:
                    continue
                created = activity.get("CreatedDateTime")
                events.append(SigningEvent(
                    envelope_id=transaction_id,
                    kind=ACTIVITY_EVENTS[state],
                    occurred_at=self._timestamp(created),
                    dedupe_key=f"signhost:activity:{activity.get('Id')}:{code}:{created}",
                    signer_key=signer.get("Reference"),
                    reason=signer.get("RejectReason") if code == 202 else None,
                    document_key=activity.get("Info") if code == 105 else None,
                ))
        kind = STATUS_EVENTS.get(status)
        if kind is not None:
            events.append(SigningEvent(
                envelope_id=transaction_id,
                kind=kind,
                occurred_at=self._timestamp(payload.get("ModifiedDateTime")),
                dedupe_key=f"signhost:transaction:{transaction_id}:{status}",
                reason=_reason(payload),
            ))
        return events


def _id_and_status(payload: Mapping[str, Any]) -> tuple[str, int]:
    transaction_id, status = payload.get("Id"), payload.get("Status")
    if not isinstance(transaction_id, str) or not transaction_id:
        raise InvalidCallback("malformed_body", "Id missing")
    if not isinstance(status, int) or isinstance(status, bool):
        raise InvalidCallback("malformed_body", "Status missing")
    return transaction_id, status


def _reason(tx: Mapping[str, Any]) -> str | None:
    """Return the cancellation reason, else the first signer's rejection reason."""
    reasons = [tx.get("CancelationReason")]
    reasons += [s.get("RejectReason") for s in dict_items(tx.get("Signers"))]
    return next((r for r in reasons if r), None)
