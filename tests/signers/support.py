"""Helpers for the signing-page tests: links and codes read from the real SMTP server."""

from __future__ import annotations

import re

LINK = re.compile(r"https?://[^\s\"<>]+/ondertekenen/[^\s\"<>]+")
CODE = re.compile(r"\b(\d{6})\b")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def to(server, address: str) -> list:
    """The messages that went to `address`, oldest first."""
    return [m for m in server.messages
            if any(a.addr_spec == address for a in m["To"].addresses)]


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_for(server, address: str) -> str:
    """The path of the newest signing link mailed to `address`."""
    mails = [m for m in to(server, address) if m["Subject"].startswith("Ter ondertekening")]
    assert mails, f"no signing link mailed to {address}"
    url = LINK.search(plain(mails[-1]))[0]
    return url[url.index("/ondertekenen/"):]


def code_for(server, address: str) -> str:
    """The newest code mailed to `address`."""
    mails = [m for m in to(server, address) if m["Subject"].startswith("Uw code")]
    assert mails, f"no code mailed to {address}"
    return CODE.search(plain(mails[-1]))[1]


def csrf(response) -> str:
    return TOKEN.search(response.get_data(as_text=True))[1]


def sealed_ok(pdf: bytes) -> bool:
    """Whether pyHanko's validator finds the seal intact, covering the whole file, made with
    the app's sealing certificate (needs an app context)."""
    from concurrent.futures import ThreadPoolExecutor

    from app.documents.sealing import validate_sealed_pdf
    from app.services.seal_archive import sealer

    # pyHanko's validation runs its own asyncio loop: in a thread of its own, so it also
    # works beside Playwright's loop in a browser test.
    with ThreadPoolExecutor(1) as pool:
        check = pool.submit(validate_sealed_pdf, pdf, sealer()).result()
    return check.intact and check.covers_whole_file and check.signed_by_sealer
