"""PdfConverter (LibreOffice kept running) against one-shot `soffice --convert-to` per document.

    .venv/bin/python bench/bench_pdf.py [--rounds 2]

The documents are the eight of a gemeente joining as lid with three solutions, `--rounds`
times over. Baseline, per document: `soffice --headless --convert-to pdf:writer_pdf_Export:
{PDF/A-2b}` with a profile kept between runs (as a naive service with the user's profile
would; the converter's own fallback, with a fresh profile per document, is shown apart).
Ours: one PdfConverter with one server, documents one after another; then two servers with
two threads. Checks that every PDF is PDF/A-2b and has the same text both ways.
Target: at least 4x faster per document.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import children_peak_rss
from common import gemeente_package
from common import is_pdfa_2b
from common import mib
from common import ms
from common import pdf_text
from common import table
from common import timed
from common import tree_peak_rss
from common import write

from app.documents.context import build_context
from app.documents.convert import PDF_FILTER
from app.documents.convert import PDFA_OPTIONS
from app.documents.convert import PdfConverter
from app.documents.convert import _filter_json
from app.documents.convert import convert_once
from app.documents.convert import default_soffice
from app.documents.render import DocxRenderer


def documents(rounds: int) -> list[bytes]:
    renderer = DocxRenderer()
    docs = []
    for round_ in range(rounds):
        package = gemeente_package(100 + round_)
        docs += [renderer.render(p.kind, build_context(package, p)) for p in package.plan.documents]
    return docs


def one_shot(docx: bytes, profile: Path, work: Path) -> bytes:
    """Plain `soffice --headless --convert-to` for one document, with a kept profile."""
    source = work / "document.docx"
    source.write_bytes(docx)
    target = f"pdf:{PDF_FILTER}:{_filter_json(PDFA_OPTIONS)}"
    subprocess.run([default_soffice(), "--headless", "--norestore",
                    f"-env:UserInstallation={profile.as_uri()}", "--convert-to", target,
                    "--outdir", str(work / "out"), str(source)],
                   check=True, capture_output=True, timeout=300)
    return (work / "out" / "document.pdf").read_bytes()


def server_rss(converter: PdfConverter) -> int:
    """Peak RSS of the converter's LibreOffice processes and their children."""
    return sum(tree_peak_rss(pid) for pid in converter.server_pids())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    docs = documents(args.rounds)
    n = len(docs)

    with tempfile.TemporaryDirectory(prefix="bench-soffice-") as tmp:
        work, profile = Path(tmp), Path(tmp) / "profile"
        first_run, _ = timed(lambda: one_shot(docs[0], profile, work))  # creates the profile
        base_times, base_pdfs = [], []
        for docx in docs:
            seconds, pdf = timed(lambda: one_shot(docx, profile, work))
            base_times.append(seconds)
            base_pdfs.append(pdf)
        base_rss = children_peak_rss()
    fallback_time, _ = timed(lambda: convert_once(docs[0]))

    converter = PdfConverter(instances=1)
    start_time, _ = timed(converter.start)
    try:
        converter.convert(docs[0])  # the first conversion loads LibreOffice's Writer code
        ours_times, ours_pdfs = [], []
        for docx in docs:
            seconds, pdf = timed(lambda: converter.convert(docx))
            ours_times.append(seconds)
            ours_pdfs.append(pdf)
        ours_rss = server_rss(converter)
    finally:
        converter.close()

    with PdfConverter(instances=2) as pair:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(pair.convert, docs[:2]))  # warm both
            parallel_time, parallel_pdfs = timed(lambda: list(pool.map(pair.convert, docs)))
        pair_rss = server_rss(pair)

    pdfa = all(is_pdfa_2b(pdf) for pdf in base_pdfs + ours_pdfs + parallel_pdfs)
    same = all(pdf_text(a) == pdf_text(b) for a, b in zip(base_pdfs, ours_pdfs))
    base_mean, ours_mean = sum(base_times) / n, sum(ours_times) / n
    ratio = base_mean / ours_mean
    rows = [
        ("", "one-shot soffice", "PdfConverter x1", "PdfConverter x2 (2 threads)"),
        ("documents", str(n), str(n), str(n)),
        ("mean per document", ms(base_mean), ms(ours_mean), ms(parallel_time / n)),
        ("total", f"{sum(base_times):.2f} s", f"{sum(ours_times):.2f} s",
         f"{parallel_time:.2f} s"),
        ("start (once)", f"first run {first_run:.2f} s", f"{start_time:.2f} s", ""),
        ("fresh-profile fallback", f"{fallback_time:.2f} s / doc", "", ""),
        ("LibreOffice peak RSS", mib(base_rss), mib(ours_rss), mib(pair_rss)),
        ("ratio (per document)", "", f"{ratio:.1f}x", f"{base_mean / (parallel_time / n):.1f}x"),
        ("PDF/A-2b, same text", "", "yes" if pdfa and same else "NO", ""),
    ]
    print(table(rows))
    out = write("bench_pdf", {
        "documents": n, "baseline_mean_s": base_mean, "baseline_first_run_s": first_run,
        "fallback_fresh_profile_s": fallback_time, "ours_mean_s": ours_mean,
        "ours_start_s": start_time, "parallel2_total_s": parallel_time,
        "parallel2_mean_s": parallel_time / n, "ratio": ratio,
        "ratio_parallel2": base_mean / (parallel_time / n),
        "baseline_peak_rss_bytes": base_rss, "ours_peak_rss_bytes": ours_rss,
        "parallel2_peak_rss_bytes": pair_rss, "pdfa_2b": pdfa, "same_text": same,
        "target_ratio": 4, "met": ratio >= 4 and pdfa and same,
    })
    print(f"\nwritten to {out.relative_to(out.parents[2])}")
    return 0 if pdfa and same else 1


if __name__ == "__main__":
    if shutil.which("soffice") is None:
        sys.exit("LibreOffice (soffice) is not installed")
    sys.exit(main())
