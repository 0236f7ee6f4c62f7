"""Edit a .docx template the way a person would in Word: change text in its body."""

from __future__ import annotations

import io
import zipfile

from tests.documents.builders import ROOT


def shipped(kind: str) -> bytes:
    """The shipped template file of `kind` (e.g. "gebruiksovereenkomst")."""
    return (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()


def edit_docx(data: bytes, old: str, new: str, *, last: bool = False) -> bytes:
    """`data` with the first (or `last`) `old` in word/document.xml replaced by `new`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "word/document.xml":
                text = body.decode("utf-8")
                assert old in text, f"{old!r} is not in the template"
                at = text.rfind(old) if last else text.find(old)
                body = (text[:at] + new + text[at + len(old):]).encode("utf-8")
            target.writestr(item, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()
