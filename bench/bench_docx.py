"""DocxRenderer against plain docxtpl on the gebruiksovereenkomst.

    .venv/bin/python bench/bench_docx.py [--documents 300]

Baseline, for every document: DocxTemplate(path), render(ctx, autoescape=True), save.
Ours: one DocxRenderer, templates compiled once (its compile time is reported apart and also
counted in the "with compile" ratio). Checks that both give the same document text.
Target: at least 10x faster per document.
"""

from __future__ import annotations

import argparse
import io
import sys

from common import docx_text
from common import gemeente_package
from common import mib
from common import ms
from common import python_peak
from common import table
from common import timed
from common import write

from docxtpl import DocxTemplate

from app.documents.context import build_context
from app.documents.render import DocxRenderer
from app.domain.rules import DocumentKind

KIND = DocumentKind.GEBRUIKSOVEREENKOMST


def contexts(count: int) -> list[dict]:
    """`count` gebruiksovereenkomst contexts, each for another organisation."""
    result = []
    number = 0
    while len(result) < count:
        number += 1
        package = gemeente_package(number, name=f"Gemeente {number} & Co")
        result += [build_context(package, planned) for planned in package.plan.documents
                   if planned.kind is KIND]
    return result[:count]


def baseline(path, context) -> bytes:
    template = DocxTemplate(path)
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    items = contexts(args.documents)

    renderer = DocxRenderer()
    path = renderer.template_path(KIND)
    compile_time, _ = timed(lambda: renderer.template(KIND))
    baseline(path, items[0])  # warm imports and caches for the baseline too
    renderer.render(KIND, items[0])

    base_times, ours_times, base_docs, ours_docs = [], [], [], []
    for context in items:  # interleaved, so both see the same machine load
        seconds, data = timed(lambda: baseline(path, context))
        base_times.append(seconds)
        base_docs.append(data)
        seconds, data = timed(lambda: renderer.render(KIND, context))
        ours_times.append(seconds)
        ours_docs.append(data)

    # the same text, except that our layout rules make IBANs, amounts and dates unbreakable
    same = all(docx_text(a).replace("\xa0", " ") == docx_text(b).replace("\xa0", " ")
               for a, b in zip(base_docs, ours_docs))
    sample = items[: min(30, len(items))]
    base_peak = python_peak(lambda: [baseline(path, c) for c in sample])
    fresh = DocxRenderer()
    ours_peak = python_peak(lambda: [fresh.render(KIND, c) for c in sample])

    n = len(items)
    base_mean, ours_mean = sum(base_times) / n, sum(ours_times) / n
    ratio = base_mean / ours_mean
    ratio_with_compile = sum(base_times) / (sum(ours_times) + compile_time)
    rows = [
        ("", "plain docxtpl", "DocxRenderer"),
        ("documents", str(n), str(n)),
        ("mean per document", ms(base_mean), ms(ours_mean)),
        ("median per document", ms(sorted(base_times)[n // 2]), ms(sorted(ours_times)[n // 2])),
        ("total", f"{sum(base_times):.3f} s", f"{sum(ours_times):.3f} s"),
        ("one-time compile", "-", ms(compile_time)),
        (f"Python peak ({len(sample)} docs)", mib(base_peak), mib(ours_peak)),
        ("ratio (per document)", "", f"{ratio:.1f}x"),
        ("ratio (with compile)", "", f"{ratio_with_compile:.1f}x"),
        ("same document text", "", "yes" if same else "NO"),
    ]
    print(table(rows))
    out = write("bench_docx", {
        "template": KIND.value, "documents": n,
        "baseline_mean_s": base_mean, "ours_mean_s": ours_mean,
        "baseline_median_s": sorted(base_times)[n // 2],
        "ours_median_s": sorted(ours_times)[n // 2],
        "compile_s": compile_time, "ratio": ratio, "ratio_with_compile": ratio_with_compile,
        "baseline_python_peak_bytes": base_peak, "ours_python_peak_bytes": ours_peak,
        "same_text": same, "target_ratio": 10, "met": ratio >= 10 and same,
    })
    print(f"\nwritten to {out.relative_to(out.parents[2])}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
