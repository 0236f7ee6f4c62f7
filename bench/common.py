"""Shared helpers for the benchmarks: packages to render, text extraction, timing, output.

The benchmarks are scripts, not tests: run them from the project root, e.g.
    .venv/bin/python bench/bench_docx.py
Each prints a small table and writes JSON to bench/out/.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from app.domain.facts import PackageFacts  # noqa: E402
from app.domain.organisations import Address  # noqa: E402
from app.domain.organisations import Involvement  # noqa: E402
from app.domain.organisations import Organisation  # noqa: E402
from app.domain.organisations import OrgKind  # noqa: E402
from app.domain.organisations import Person  # noqa: E402
from app.domain.reference import load_reference  # noqa: E402
from app.domain.rules import OnFile  # noqa: E402
from app.domain.rules import PackageRequest  # noqa: E402
from app.domain.rules import SolutionRequest  # noqa: E402
from app.domain.rules import plan_package  # noqa: E402

OUT = ROOT / "bench" / "out"
REFERENCE = load_reference(ROOT / "config" / "data")
SOLUTIONS = (("schuldenradar", dt.date(2026, 1, 1)), ("wijkteamdossier", dt.date(2026, 3, 1)),
             ("participatiematch", dt.date(2027, 1, 1)))


def gemeente_package(number: int = 42, name: str = "Súdwest-Fryslân") -> PackageFacts:
    """A gemeente joining as lid with three solutions: eight documents."""
    request = PackageRequest(
        OrgKind.GEMEENTE, Involvement.LID,
        tuple(SolutionRequest(code, start) for code, start in SOLUTIONS),
    )
    return PackageFacts(
        reference_number=f"NVSI-2026-{number:04d}",
        created_on=dt.date(2025, 12, 1),
        organisation=Organisation(name, OrgKind.GEMEENTE, cbs_code="GM1900",
                                  address=Address("Marktstraat 15", "8601 CG", "Sneek")),
        involvement=Involvement.LID,
        contact=Person(f"Contact {number} & Zn <test>", "adviseur", "contact@example.nl",
                       "+31 30 123 4567"),
        signatory=Person("Sharon Dijksma", "burgemeester", "b@example.nl"),
        plan=plan_package(request, OnFile(), REFERENCE),
        on_file=OnFile(),
        reference=REFERENCE,
        breach_notice_hours=24,
        council_deadline=dt.date(2026, 2, 15),
    )


def docx_text(data: bytes) -> str:
    """Body paragraphs, table cells, headers and footers, as python-docx reads them."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text).strip()


def is_pdfa_2b(data: bytes) -> bool:
    xmp = PdfReader(io.BytesIO(data)).xmp_metadata
    return xmp is not None and (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")


def timed(function: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = function()
    return time.perf_counter() - began, result


def python_peak(function: Callable[[], object]) -> int:
    """Peak bytes Python allocated while running `function` (tracemalloc)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def tree_peak_rss(pid: int) -> int:
    """Peak resident memory (VmHWM, bytes) summed over `pid` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def children_peak_rss() -> int:
    """The largest peak RSS (bytes) of any finished child process (getrusage)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def median(values: list[float]) -> float:
    return statistics.median(values)


def mib(value: int) -> str:
    return f"{value / 1024 / 1024:.1f} MiB"


def ms(value: float) -> str:
    return f"{value * 1000:.2f} ms"


def machine() -> dict:
    try:
        soffice = subprocess.run(["soffice", "--version"], capture_output=True, text=True,
                                 timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        soffice = None
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "platform": platform.platform(), "libreoffice": soffice}


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    data = {"benchmark": name, "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "machine": machine(), **data}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return path
