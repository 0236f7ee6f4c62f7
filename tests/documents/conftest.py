"""Fixtures for the document tests: one renderer and one LibreOffice converter per session."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import IN_CI

from app.documents import DocxRenderer
from app.documents import PdfConverter


@pytest.fixture(scope="session")
def renderer() -> DocxRenderer:
    return DocxRenderer()


@pytest.fixture(scope="session")
def converter():
    """A converter with two LibreOffice servers, shared by every libreoffice test."""
    if shutil.which("soffice") is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is not installed (in CI this must run, not skip)")
        pytest.skip("LibreOffice (soffice) is not installed")
    with PdfConverter(instances=2, timeout=120, fallback=False) as started:
        assert started.healthy(), "unoserver did not start"
        yield started
