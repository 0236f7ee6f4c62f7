"""Choose the document store from settings: local disk (default) or S3-compatible."""

from __future__ import annotations

from app.store.files import DocumentStore
from app.store.files import LocalStore
from config.settings import Settings


def make_store(settings: Settings) -> DocumentStore:
    """Return the document store the settings ask for."""
    if settings.storage == "s3":
        from app.store.s3 import S3Store

        return S3Store.from_settings(settings)
    return LocalStore(settings.storage_path)
