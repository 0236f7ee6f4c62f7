"""Small, valid PDFs for tests that need PDF bytes but not a real document."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def tiny_pdf(label: str = "") -> bytes:
    """A valid one-page PDF whose bytes depend on `label`."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
