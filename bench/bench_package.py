"""A whole package, DOCX and PDF/A, against the naive path.

    .venv/bin/python bench/bench_package.py [--packages 5]

The package: a gemeente joining as lid with three solutions (eight documents: letter,
Bijlage 1, raadsbrief, ontwerpbesluit, verwerkersovereenkomst, three gebruiksovereenkomsten).
Ours: make_package_documents with a warm DocxRenderer and a warm PdfConverter (two servers,
documents converted in parallel). Naive: for every document a new DocxTemplate (render with
autoescape, save) and a one-shot `soffice --headless --convert-to` (kept profile).
Target: under 2 s a package on this machine. The one-time start (servers, template compile)
is reported apart.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from pathlib import Path

from bench_pdf import one_shot
from bench_pdf import server_rss
from common import gemeente_package
from common import is_pdfa_2b
from common import median
from common import mib
from common import python_peak
from common import table
from common import timed
from common import write

from docxtpl import DocxTemplate

from app.documents import DocxRenderer
from app.documents import PdfConverter
from app.documents import make_package_documents
from app.documents.context import build_context


def naive_package(facts, renderer: DocxRenderer, profile: Path, work: Path) -> list[bytes]:
    pdfs = []
    for planned in facts.plan.documents:
        template = DocxTemplate(renderer.template_path(planned.kind))
        template.render(build_context(facts, planned), autoescape=True)
        buffer = io.BytesIO()
        template.save(buffer)
        pdfs.append(one_shot(buffer.getvalue(), profile, work))
    return pdfs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=5)
    parser.add_argument("--instances", type=int, default=2)
    args = parser.parse_args()
    packages = [gemeente_package(200 + i, name=f"Gemeente {i} & Zn") for i in range(args.packages)]

    renderer = DocxRenderer()
    converter = PdfConverter(instances=args.instances)
    cold_start, _ = timed(lambda: (converter.start(), renderer.preload()))
    try:
        first, _ = timed(lambda: make_package_documents(packages[0], renderer, converter))
        times, made = [], []
        for facts in packages:
            seconds, documents = timed(lambda: make_package_documents(facts, renderer, converter))
            times.append(seconds)
            made.append(documents)
        docx_only = [timed(lambda: make_package_documents(f, renderer))[0] for f in packages]
        peak = python_peak(lambda: make_package_documents(packages[0], renderer, converter))
        rss = server_rss(converter)
    finally:
        converter.close()

    with tempfile.TemporaryDirectory(prefix="bench-soffice-") as tmp:
        work, profile = Path(tmp), Path(tmp) / "profile"
        one_shot(made[0][0].docx, profile, work)  # create the profile outside the timing
        naive_times = []
        for facts in packages[:2]:
            seconds, _ = timed(lambda: naive_package(facts, renderer, profile, work))
            naive_times.append(seconds)

    documents = [doc for package in made for doc in package]
    ok = (all(len(package) == 8 for package in made)
          and all(doc.pdf and is_pdfa_2b(doc.pdf) for doc in documents))
    ours, naive = median(times), median(naive_times)
    rows = [
        ("", "naive (docxtpl + one-shot soffice)", f"ours (x{args.instances} servers)"),
        ("packages timed", str(len(naive_times)), str(len(times))),
        ("median per package (8 DOCX + 8 PDF)", f"{naive:.2f} s", f"{ours:.3f} s"),
        ("slowest package", f"{max(naive_times):.2f} s", f"{max(times):.3f} s"),
        ("DOCX only, median", "", f"{median(docx_only) * 1000:.1f} ms"),
        ("first package after start", "", f"{first:.3f} s"),
        ("one-time start (servers + compile)", "", f"{cold_start:.2f} s"),
        ("Python peak per package", "", mib(peak)),
        ("LibreOffice peak RSS", "", mib(rss)),
        ("ratio", "", f"{naive / ours:.1f}x"),
        ("under 2 s, all PDF/A-2b", "", "yes" if ours < 2 and ok else "NO"),
    ]
    print(table(rows))
    out = write("bench_package", {
        "documents_per_package": 8, "instances": args.instances,
        "ours_median_s": ours, "ours_max_s": max(times), "ours_times_s": times,
        "docx_only_median_s": median(docx_only), "first_package_s": first,
        "cold_start_s": cold_start, "naive_median_s": naive, "naive_times_s": naive_times,
        "ratio": naive / ours, "python_peak_bytes": peak, "libreoffice_peak_rss_bytes": rss,
        "all_pdfa_2b": ok, "target_s": 2, "met": ours < 2 and ok,
    })
    print(f"\nwritten to {out.relative_to(out.parents[2])}")
    return 0 if ok else 1


if __name__ == "__main__":
    if shutil.which("soffice") is None:
        sys.exit("LibreOffice (soffice) is not installed")
    sys.exit(main())
