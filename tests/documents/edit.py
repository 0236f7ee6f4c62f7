"""Edit a .docx template the way a person would in Word: change text in its body."""

from __future__ import annotations

import io
import zipfile

from tests.documents.builders import ROOT


def shipped(kind: str) -> bytes:
    """The shipped template file of `kind` (e.g. "gebruiksovereenkomst")."""
    return (ROOT / "templates_docx" / f"{kind}.docx").read_bytes()


def edit_docx(data: bytes, old: str, new: str) -> bytes:
    """`data` with the first `old` in word/document.xml replaced by `new`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "word/document.xml":
                text = body.decode("utf-8")
                assert old in text, f"{old!r} is not in the template"
                body = text.replace(old, new, 1).encode("utf-8")
            target.writestr(item, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()
