"""Ingest benchmark: field-by-field accuracy over the fixtures and seeds,
and speed in documents per second for text and for PDF.

    .venv/bin/python benchmarks/ingest.py

Goals: >= 50 text documents/s, >= 5 PDF documents/s.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import tempfile
import time
from pathlib import Path

from advocate.ingest import parse_ua, read_document

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ua"
SEEDS = ROOT / "examples" / "ua-46-19"
FIELDS = ["kind", "language", "ua_number", "index_number", "title", "person", "persons",
          "pronouns", "country", "issued", "deadline", "hashtags", "handles", "languages",
          "suggested_message", "url", "closure_line", "references", "targets"]

# What a reader sees in the seeds (written by hand, not taken from the parser).
SEED_TRUTH = {
    "ua-46-19-initial.txt": {
        "kind": "initial", "person": "Serikzhan Bilash", "pronouns": "he/him",
        "country": "Kazakhstan", "issued": "2019-04-09", "deadline": "2019-05-21",
        "hashtags": ["#Bilash", "#KazakhsInChina"], "languages": ["Kazakh", "Russian", "English"],
        "ua_number": None, "closure_line": None,
    },
    "ua-46-19-final.txt": {
        "kind": "final", "person": "Serikzhan Bilash", "ua_number": "46/16",
        "country": "Kazakhstan", "deadline": None,
        "closure_line": "NO FURTHER ACTION IS REQUESTED.",
    },
    "ua-46-19-release-news.txt": {
        "kind": "news", "person": "Serikzhan Bilash", "country": "Kazakhstan",
        "title": "Kazakhstan: Prisoner of Conscience released, but at what cost?",
    },
    "ua-46-19-un-wgad-news.txt": {
        "kind": "news", "person": "Serikzhan Bilash", "country": "Kazakhstan",
        "persons": ["Serikzhan Bilash"],
    },
}


def _builders():
    spec = importlib.util.spec_from_file_location("ua_builders", FIXTURES / "builders.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _value(parsed, field):
    value = getattr(parsed, field)
    if isinstance(value, dt.date):
        return value.isoformat()
    if field == "targets":
        return [{k: v for k, v in vars(t).items() if v is not None} for t in value]
    return value


def _empty(field):
    return [] if field in ("persons", "hashtags", "handles", "languages", "references", "targets") else None


def accuracy(cases: dict[str, tuple[Path, dict]]) -> dict[str, tuple[int, int, list[str]]]:
    """{field: (right, checked, names of documents it got wrong)}."""
    scores = {field: [0, 0, []] for field in FIELDS}
    for name, (path, expected) in cases.items():
        parsed = parse_ua(read_document(path).text)
        for field in FIELDS:
            if field not in expected and name in SEED_TRUTH:
                continue  # seeds: only the fields written down by hand
            want = expected.get(field, _empty(field))
            right = _value(parsed, field) == want
            scores[field][0] += right
            scores[field][1] += 1
            if not right:
                scores[field][2].append(name)
    return {field: tuple(score) for field, score in scores.items()}


def speed(paths: list[Path], minimum_seconds: float = 2.0) -> float:
    """Documents per second for read_document + parse_ua, after one warm-up pass."""
    for path in paths:
        parse_ua(read_document(path).text)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < minimum_seconds:
        for path in paths:
            parse_ua(read_document(path).text)
            done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    builders = _builders()
    folder = Path(tempfile.mkdtemp(prefix="advocate-bench-"))
    built = builders.materialise(folder)
    expected = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
    cases = {name: (built[name], fields) for name, fields in expected.items()}
    cases.update({name: (SEEDS / name, truth) for name, truth in SEED_TRUTH.items()})

    print(f"Field accuracy over {len(cases)} documents ({len(expected)} fixtures, {len(SEED_TRUTH)} seeds)")
    for field, (right, checked, wrong) in accuracy(cases).items():
        misses = f"  wrong: {', '.join(wrong)}" if wrong else ""
        print(f"  {field:<18} {right:>2}/{checked:<2} {100 * right / checked:5.1f}%{misses}")

    texts = [p for p in built.values() if p.suffix in (".txt", ".html")] + sorted(SEEDS.glob("*.txt"))
    seed_pdf = folder / "seed-initial.pdf"
    seed_pdf.write_bytes(builders.build_pdf((SEEDS / "ua-46-19-initial.txt").read_text("utf-8")))
    pdfs = [built["a3-egypt-final.pdf"], seed_pdf]
    print(f"Speed: text/html {speed(texts):6.1f} documents/s (goal >= 50)")
    print(f"Speed: PDF       {speed(pdfs):6.1f} documents/s (goal >= 5)")


if __name__ == "__main__":
    main()
