"""The Dutch municipalities with their CBS codes, from config/data/gemeenten.csv."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MUNICIPALITIES_FILE = "gemeenten.csv"


@dataclass(frozen=True)
class Municipality:
    code: str  # GMxxxx
    name: str
    province: str


@lru_cache(maxsize=4)
def load_municipalities(folder: Path) -> dict[str, Municipality]:
    """Return the municipalities by CBS code, in alphabetical order of name."""
    with (Path(folder) / MUNICIPALITIES_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        row["code"]: Municipality(row["code"], row["naam"], row["provincie"]) for row in rows
    }
