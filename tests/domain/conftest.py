"""Fixtures for the domain tests: the project's own reference data, and a copy to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.domain.reference import ReferenceData
from app.domain.reference import load_reference

DATA_DIR = Path(__file__).resolve().parents[2] / "config" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    """The catalogue, fees and association as shipped in config/data."""
    return load_reference(DATA_DIR)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of config/data's three TOML files, free to break."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("catalogue.toml", "fees.toml", "association.toml"):
        shutil.copy(DATA_DIR / name, target / name)
    return target
