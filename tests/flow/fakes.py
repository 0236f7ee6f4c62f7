"""Stateful stand-ins for Signhost and ValidSign behind `responses` (no network).

Each fake keeps its envelopes as the provider's API describes them and answers our adapter's
calls with bodies shaped as in tests/signing (Signhost: Transaction, Signer, Activity,
FileEntry; ValidSign: Package, Role, Document, Approval). Test code moves an envelope on
(a signer signs, declines, it expires) and asks the fake for the callback the provider would
send, built with the adapter's own ``sign()`` helper. Failures can be queued per operation:
an HTTP status, or a `requests` exception to raise.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import itertools
import json
import re
import uuid
from urllib.parse import unquote
from collections import defaultdict
from typing import Any

import requests
import responses

from signing.providers.signhost import SignhostProvider
from signing.providers.validsign import ValidSignProvider

from .helpers import tiny_pdf

CLOCK_START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


class _Fake:
    def __init__(self, rsps: responses.RequestsMock):
        self.rsps = rsps
        self.failures: dict[str, list] = defaultdict(list)
        self.calls: dict[str, int] = defaultdict(int)  # attempts per operation
        self._tick = itertools.count(1)

    def fail(self, operation: str, *failures) -> None:
        """Answer the next calls of `operation` with these statuses or exceptions."""
        self.failures[operation].extend(failures)

    def now(self) -> dt.datetime:
        return CLOCK_START + dt.timedelta(minutes=next(self._tick))

    def _failure(self, operation: str, json_body):
        """Count the call; return a failure answer (or raise) when one is queued."""
        self.calls[operation] += 1
        if not self.failures[operation]:
            return None
        failure = self.failures[operation].pop(0)
        if isinstance(failure, BaseException):
            raise failure
        return failure, {"Retry-After": "0"} if failure == 429 else {}, json.dumps(json_body)


# --- Signhost -----------------------------------------------------------------------------

ACTIVITY_NAMES = {101: "InvitationSent", 103: "Opened", 105: "DocumentOpened",
                  202: "Rejected", 203: "Signed"}


class FakeSignhost(_Fake):
    """Signhost's REST API (https://api.signhost.com/api/...)."""

    base = "https://api.signhost.com"

    def __init__(self, rsps, shared_secret: str):
        super().__init__(rsps)
        self.secret = shared_secret
        self.transactions: dict[str, dict[str, Any]] = {}
        self.files: dict[tuple[str, str], bytes] = {}
        self.signed_files: dict[tuple[str, str], bytes] = {}
        self.receipts: dict[str, bytes] = {}
        api = re.escape(self.base) + "/api"
        tx = r"/transaction/([^/]+)"
        rsps.add_callback(responses.POST, re.compile(api + r"/transaction$"), self._create)
        rsps.add_callback(responses.PUT, re.compile(api + tx + r"/file/([^/]+)$"), self._file)
        rsps.add_callback(responses.PUT, re.compile(api + tx + r"/start$"), self._start)
        rsps.add_callback(responses.GET, re.compile(api + tx + "$"), self._get)
        rsps.add_callback(responses.DELETE, re.compile(api + tx + "$"), self._delete)
        rsps.add_callback(responses.GET, re.compile(api + tx + r"/file/([^/]+)$"),
                          self._download)
        rsps.add_callback(responses.GET, re.compile(api + r"/file/receipt/([^/]+)$"),
                          self._receipt)

    @property
    def created(self) -> int:
        """How many transactions exist (whatever the number of attempts)."""
        return len(self.transactions)

    # -- API --

    def _create(self, request):
        lost = self.failures["create"][:1] == ["create-then-500"]
        if lost:  # made, but the answer is lost
            self.failures["create"].pop(0)
        else:
            failed = self._failure("create", {"Message": "Internal server error"})
            if failed:
                return failed
        body = json.loads(request.body)
        tx_id = str(uuid.uuid4())
        at = self.now().isoformat()
        self.transactions[tx_id] = {
            "Id": tx_id, "Status": 5, "Seal": body["Seal"], "Reference": body["Reference"],
            "DaysToExpire": body["DaysToExpire"],
            "SendEmailNotifications": body["SendEmailNotifications"],
            "SignRequestMode": body["SignRequestMode"], "Language": body["Language"],
            "Context": body["Context"], "CreatedDateTime": at, "ModifiedDateTime": at,
            "Files": {},
            "Signers": [{
                "Id": str(uuid.uuid4()), "Email": s["Email"], "Reference": s["Reference"],
                "SendSignRequest": s["SendSignRequest"],
                "SignRequestMessage": s["SignRequestMessage"], "Language": s["Language"],
                "DaysToRemind": 7, "SignUrl": f"https://view.signhost.com/sign/{uuid.uuid4()}",
                "Verifications": s["Verifications"], "Activities": [],
                "CreatedDateTime": at,
            } for s in body["Signers"]],
            "Receivers": [],
        }
        if lost:
            self.calls["create"] += 1
            return 500, {}, json.dumps({"Message": "Internal server error"})
        return 200, {}, json.dumps(self.transactions[tx_id])

    def _file(self, request):
        tx_id, file_id = self._ids(request.url, r"/transaction/([^/]+)/file/([^/]+)$")
        failed = self._failure("upload", {"Message": "Internal server error"})
        if failed:
            return failed
        tx = self.transactions.get(tx_id)
        if tx is None:
            return 404, {}, json.dumps({"Message": "Transaction not found"})
        if request.headers["Content-Type"] == "application/json":
            meta = json.loads(request.body)
            tx["Files"][file_id] = {"DisplayName": meta["DisplayName"], "Links": [
                {"Rel": "file", "Type": "application/pdf",
                 "Link": f"{self.base}/api/transaction/{tx_id}/file/{file_id}"}]}
            return 202, {}, json.dumps({"Message": "Meta data for file accepted, waiting for file"})
        data = request.body if isinstance(request.body, bytes) else request.body.read()
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        if request.headers.get("Digest") != f"SHA-256={digest}":
            return 400, {}, json.dumps({"Message": "Digest mismatch"})
        self.files[(tx_id, file_id)] = data
        return 201, {}, json.dumps({"Message": f"Stored file to transaction {tx_id}"})

    def _start(self, request):
        (tx_id,) = self._ids(request.url, r"/transaction/([^/]+)/start$")
        tx = self.transactions.get(tx_id)
        if tx is None:
            return 404, {}, json.dumps({"Message": "Transaction not found"})
        if tx["Status"] != 5:
            return 400, {}, json.dumps({"Message": "Transaction already started"})
        missing = [f for f in tx["Files"] if (tx_id, f) not in self.files]
        if missing or not tx["Files"]:
            return 400, {}, json.dumps({"Message": "Not all files are uploaded"})
        failure = self.failures["start"][0] if self.failures["start"] else None
        if failure == "start-then-500":  # started, but the answer is lost
            self.failures["start"].pop(0)
            self.calls["start"] += 1
            self._begin(tx)
            return 500, {}, json.dumps({"Message": "Internal server error"})
        failed = self._failure("start", {"Message": "Internal server error"})
        if failed:
            return failed
        self._begin(tx)
        return 204, {}, ""

    def _begin(self, tx):
        tx["Status"] = 10
        self._activity(tx["Signers"][0], 101)
        tx["ModifiedDateTime"] = self.now().isoformat()

    def _get(self, request):
        (tx_id,) = self._ids(request.url, r"/transaction/([^/]+)$")
        failed = self._failure("get", {"Message": "Internal server error"})
        if failed:
            return failed
        tx = self.transactions.get(tx_id)
        if tx is None:
            return 404, {}, json.dumps({"Message": "Transaction not found"})
        return (410 if tx["Status"] == 60 else 200), {}, json.dumps(tx)

    def _delete(self, request):
        (tx_id,) = self._ids(request.url, r"/transaction/([^/]+)$")
        failed = self._failure("cancel", {"Message": "Internal server error"})
        if failed:
            return failed
        tx = self.transactions.get(tx_id)
        if tx is None:
            return 404, {}, json.dumps({"Message": "Transaction not found"})
        body = json.loads(request.body)
        tx["Status"], tx["CancelationReason"] = 60, body["Reason"]
        tx["ModifiedDateTime"] = self.now().isoformat()
        return 200, {}, json.dumps(tx)

    def _download(self, request):
        tx_id, file_id = self._ids(request.url, r"/transaction/([^/]+)/file/([^/]+)$")
        failed = self._failure("download", {"Message": "Internal server error"})
        if failed:
            return failed
        return 200, {"Content-Type": "application/pdf"}, self.signed_files[(tx_id, file_id)]

    def _receipt(self, request):
        (tx_id,) = self._ids(request.url, r"/file/receipt/([^/]+)$")
        return 200, {"Content-Type": "application/pdf"}, self.receipts[tx_id]

    @staticmethod
    def _ids(url: str, pattern: str) -> tuple[str, ...]:
        return tuple(unquote(g) for g in re.search(pattern, url.split("?")[0]).groups())

    # -- what signers do at Signhost --

    def only(self) -> dict[str, Any]:
        [tx] = self.transactions.values()
        return tx

    def sign(self, tx_id: str, index: int) -> None:
        """Signer `index` opens the documents and signs; the next one is invited; after the
        last signature the transaction is signed (Status 30) with signed files and receipt."""
        tx = self.transactions[tx_id]
        signer = tx["Signers"][index]
        self._activity(signer, 103)
        for file_id in tx["Files"]:
            self._activity(signer, 105, Info=file_id)
        at = self._activity(signer, 203)
        signer["SignedDateTime"] = at
        if index + 1 < len(tx["Signers"]):
            self._activity(tx["Signers"][index + 1], 101)
        else:
            tx["Status"] = 30
            for file_id in tx["Files"]:
                self.signed_files[(tx_id, file_id)] = tiny_pdf(f"signhost {file_id} ondertekend")
            self.receipts[tx_id] = tiny_pdf(f"signhost receipt {tx_id}")
        tx["ModifiedDateTime"] = at

    def reject(self, tx_id: str, index: int, reason: str) -> None:
        tx = self.transactions[tx_id]
        signer = tx["Signers"][index]
        at = self._activity(signer, 202)
        signer["RejectDateTime"], signer["RejectReason"] = at, reason
        tx["Status"], tx["ModifiedDateTime"] = 40, at

    def expire(self, tx_id: str) -> None:
        tx = self.transactions[tx_id]
        tx["Status"], tx["ModifiedDateTime"] = 50, self.now().isoformat()

    def vanish(self, tx_id: str) -> None:
        """The transaction is deleted at Signhost (or purged): every call is a 404."""
        del self.transactions[tx_id]

    def break_down(self, tx_id: str) -> None:
        """Signhost gives up on the transaction (Status 70, Failed)."""
        tx = self.transactions[tx_id]
        tx["Status"], tx["ModifiedDateTime"] = 70, self.now().isoformat()

    def _activity(self, signer, code: int, **extra) -> str:
        at = self.now().isoformat()
        signer["Activities"].append({"Id": str(uuid.uuid4()), "Code": code,
                                     "Activity": ACTIVITY_NAMES[code], "CreatedDateTime": at,
                                     **extra})
        return at

    def postback(self, tx_id: str, secret: str | None = None) -> tuple[dict[str, str], bytes]:
        """The postback Signhost sends now: the Transaction, with its Checksum."""
        return SignhostProvider.sign(secret or self.secret,
                                     copy.deepcopy(self.transactions[tx_id]))


# --- ValidSign ----------------------------------------------------------------------------

class FakeValidSign(_Fake):
    """ValidSign / OneSpan Sign's REST API (https://my.validsign.nl/api/...)."""

    base = "https://my.validsign.nl"

    def __init__(self, rsps, callback_key: str):
        super().__init__(rsps)
        self.callback_key = callback_key
        self.packages: dict[str, dict[str, Any]] = {}
        self.signed_files: dict[tuple[str, str], bytes] = {}
        self.evidence: dict[str, bytes] = {}
        self.notifications: list[tuple[str, str]] = []
        api = re.escape(self.base) + "/api/packages"
        pkg = r"/([^/]+)"
        rsps.add_callback(responses.POST, re.compile(api + "$"), self._create)
        rsps.add_callback(responses.GET, re.compile(api + r"(\?.*)?$"), self._search)
        rsps.add_callback(responses.POST, re.compile(api + pkg + "/documents$"), self._upload)
        rsps.add_callback(responses.POST, re.compile(api + pkg + r"/documents/([^/]+)/approvals$"),
                          self._approve)
        rsps.add_callback(responses.PUT, re.compile(api + pkg + "$"), self._update)
        rsps.add_callback(responses.GET, re.compile(api + pkg + "$"), self._get)
        rsps.add_callback(responses.DELETE, re.compile(api + pkg + "$"), self._delete)
        rsps.add_callback(responses.GET, re.compile(api + pkg + r"/documents/([^/]+)/pdf$"),
                          self._download)
        rsps.add_callback(responses.GET, re.compile(api + pkg + "/evidence/summary$"),
                          self._evidence)
        rsps.add_callback(responses.POST, re.compile(api + pkg + "/notifications$"),
                          self._notify)

    @property
    def created(self) -> int:
        return len(self.packages)

    def only(self) -> dict[str, Any]:
        [package] = self.packages.values()
        return package

    @staticmethod
    def _id(url: str, pattern: str) -> tuple[str, ...]:
        return tuple(unquote(g) for g in re.search(pattern, url.split("?")[0]).groups())

    def _search(self, request):
        """GET /api/packages?search=: a wildcard search in name and description."""
        from urllib.parse import parse_qs
        from urllib.parse import urlsplit

        self.calls["search"] += 1
        text = parse_qs(urlsplit(request.url).query).get("search", [""])[0]
        found = [p for p in self.packages.values()
                 if text in p["name"] or text in p["description"]]
        return 200, {}, json.dumps({"results": found, "count": len(found)})

    def _create(self, request):
        lost = self.failures["create"][:1] == ["create-then-500"]
        if lost:  # made, but the answer is lost
            self.failures["create"].pop(0)
            self.calls["create"] += 1
        else:
            failed = self._failure("create", {"code": 500, "message": "Unexpected error."})
            if failed:
                return failed
        body = json.loads(request.body)
        package_id = base64.b64encode(uuid.uuid4().bytes[:20]).decode().replace("/", "_")
        owner = {"id": "owner-3f1a", "name": "Owner", "type": "SENDER", "index": 0,
                 "signers": [{"id": "owner-3f1a", "email": "secretariaat@nvsi.example",
                              "firstName": "NVSI", "lastName": "Secretariaat",
                              "signerType": "ACCOUNT_SENDER"}]}
        roles = [owner] + [{**r, "reassign": False, "attachmentRequirements": [],
                            "locked": False,
                            "signers": [{**s, "name": "", "company": "", "title": "",
                                         "signerType": "EXTERNAL_SIGNER"}
                                        for s in r["signers"]]} for r in body["roles"]]
        consent = {"id": "default-consent", "name": "Electronic Disclosures and Signatures "
                   "Consent", "index": 0, "pages": self._pages(1),
                   "approvals": [{"id": f"appr-consent-{r['id']}", "role": r["id"],
                                  "optional": False, "fields": []} for r in body["roles"]]}
        self.packages[package_id] = {
            "id": package_id, "name": body["name"], "description": body["description"],
            "type": "PACKAGE", "status": "DRAFT", "language": body["language"],
            "autocomplete": body["autocomplete"], "trashed": False, "visibility": "ACCOUNT",
            "emailMessage": body["emailMessage"], "due": body["due"],
            "created": self.now().isoformat(), "updated": self.now().isoformat(),
            "messages": [], "sender": {"email": "secretariaat@nvsi.example"},
            "roles": roles, "documents": [consent],
        }
        if lost:
            return 500, {}, json.dumps({"code": 500, "message": "Unexpected error."})
        return 200, {}, json.dumps({"id": package_id})

    @staticmethod
    def _pages(count: int) -> list[dict[str, Any]]:
        return [{"id": f"page-{i}", "index": i, "version": 0, "left": 0.0, "top": 0.0,
                 "width": 612.0, "height": 792.0} for i in range(count)]

    def _upload(self, request):
        (package_id,) = self._id(request.url, r"/packages/([^/]+)/documents$")
        lost_answer = self.failures["upload"][:1] == ["upload-then-500"]
        if lost_answer:  # stored, but the answer is lost
            self.failures["upload"].pop(0)
        else:
            failed = self._failure("upload", {"code": 500, "message": "Unexpected error."})
            if failed:
                return failed
        payload = json.loads(_part(request, "payload"))
        pdf = _part(request, "file")
        assert pdf.startswith(b"%PDF-")
        document = {"id": payload["id"], "name": payload["name"], "index": 1,
                    "description": "", "extract": False, "extractionTypes": [],
                    "tagged": False, "size": len(pdf), "fields": [], "pages": self._pages(1),
                    "approvals": []}
        self.packages[package_id]["documents"].append(document)
        if lost_answer:
            self.calls["upload"] += 1
            return 500, {}, json.dumps({"code": 500, "message": "Unexpected error."})
        return 200, {"Content-Type": "text/html; esl-api-version=11"}, json.dumps(document)

    def _approve(self, request):
        package_id, document_id = self._id(
            request.url, r"/packages/([^/]+)/documents/([^/]+)/approvals$")
        failed = self._failure("approve", {"code": 500, "message": "Unexpected error."})
        if failed:
            return failed
        body = json.loads(request.body)
        document = next(d for d in self.packages[package_id]["documents"]
                        if d["id"] == document_id)
        approval = {"id": f"appr-{document_id}-{body['role']}", "role": body["role"],
                    "optional": False, "fields": body["fields"]}
        document["approvals"].append(approval)
        return 200, {}, json.dumps(approval)

    def _update(self, request):
        (package_id,) = self._id(request.url, r"/packages/([^/]+)$")
        failed = self._failure("send", {"code": 500, "message": "Unexpected error."})
        if failed:
            return failed
        body = json.loads(request.body)
        package = self.packages[package_id]
        if body.get("status") == "SENT":
            if package["status"] != "DRAFT":
                return 400, {}, json.dumps({"code": 400, "message": "Package already sent."})
            package["status"] = "SENT"
        package["updated"] = self.now().isoformat()
        return 200, {}, ""

    def _get(self, request):
        (package_id,) = self._id(request.url, r"/packages/([^/]+)$")
        failed = self._failure("get", {"code": 500, "message": "Unexpected error."})
        if failed:
            return failed
        package = self.packages.get(package_id)
        if package is None:
            return 404, {}, json.dumps({"code": 404, "message": "Package not found."})
        return 200, {}, json.dumps(package)

    def _delete(self, request):
        (package_id,) = self._id(request.url, r"/packages/([^/]+)$")
        if package_id not in self.packages:
            return 404, {}, json.dumps({"code": 404, "message": "Package not found."})
        self.packages[package_id]["trashed"] = True
        return 200, {}, ""

    def _download(self, request):
        package_id, document_id = self._id(request.url, r"/packages/([^/]+)/documents/([^/]+)/pdf$")
        failed = self._failure("download", {"code": 503, "message": "Service unavailable."})
        if failed:
            return failed
        return 200, {"Content-Type": "application/octet-stream"}, \
            self.signed_files[(package_id, document_id)]

    def _evidence(self, request):
        (package_id,) = self._id(request.url, r"/packages/([^/]+)/evidence/summary$")
        return 200, {"Content-Type": "application/pdf"}, self.evidence[package_id]

    def _notify(self, request):
        (package_id,) = self._id(request.url, r"/packages/([^/]+)/notifications$")
        self.notifications.append((package_id, json.loads(request.body)["email"]))
        return 200, {}, ""

    # -- what signers do at ValidSign --

    def _roles(self, package_id: str) -> list[dict[str, Any]]:
        return sorted((r for r in self.packages[package_id]["roles"] if r["type"] == "SIGNER"),
                      key=lambda r: r["index"])

    def sign(self, package_id: str, index: int) -> str:
        """The role at `index` (0 signs first) signs every approval; the package completes
        after the last. Returns the role id (our signer key)."""
        package = self.packages[package_id]
        role = self._roles(package_id)[index]["id"]
        at = self.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for document in package["documents"]:
            for approval in document["approvals"]:
                if approval["role"] == role:
                    approval["signed"] = at
        if index + 1 == len(self._roles(package_id)):
            package["status"] = "COMPLETED"
            for document in package["documents"]:
                if document["id"] != "default-consent":
                    self.signed_files[(package_id, document["id"])] = tiny_pdf(
                        f"validsign {document['id']} ondertekend")
            self.evidence[package_id] = tiny_pdf(f"validsign evidence {package_id}")
        return role

    def decline(self, package_id: str, index: int, reason: str) -> str:
        package = self.packages[package_id]
        role = self._roles(package_id)[index]
        package["status"] = "DECLINED"
        package["messages"].append({"id": str(uuid.uuid4()), "content": reason,
                                    "status": "NEW", "created": self.now().isoformat(),
                                    "from": {"email": role["signers"][0]["email"],
                                             "firstName": role["signers"][0]["firstName"],
                                             "lastName": role["signers"][0]["lastName"]},
                                    "to": {}})
        return role["id"]

    def expire(self, package_id: str) -> None:
        self.packages[package_id]["status"] = "EXPIRED"

    def vanish(self, package_id: str) -> None:
        """The package is deleted at ValidSign (or purged): every call about it is a 404."""
        del self.packages[package_id]

    def callback(self, package_id: str, name: str, session_user: str | None = None,
                 key: str | None = None) -> tuple[dict[str, str], bytes]:
        """The callback ValidSign sends for event `name`."""
        created = self.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return ValidSignProvider.sign(key or self.callback_key, {
            "@class": "com.silanis.esl.packages.event.ESLProcessEvent", "name": name,
            "sessionUser": session_user or "owner-3f1a", "packageId": package_id,
            "message": None, "documentId": None, "createdDate": created})


def _part(request, name: str) -> bytes:
    """Return the content of one part of a multipart/form-data request."""
    boundary = request.headers["Content-Type"].split("boundary=")[1].encode()
    for part in request.body.split(b"--" + boundary)[1:]:
        head, _, content = part.partition(b"\r\n\r\n")
        if f'name="{name}"'.encode() in head:
            return content.removesuffix(b"\r\n")
    raise AssertionError(f"no part {name}")


def connection_refused() -> requests.exceptions.ConnectionError:
    from urllib3.exceptions import MaxRetryError
    from urllib3.exceptions import NewConnectionError

    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111]")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/", reason))
