"""The seed document as a record, for the enrichment and citation tests.

Read with ``despatch.readers.plaintext`` when that reader is installed; until then (and as a
fallback) built here from the seed file with the few rules the tests need: page markers
dropped, footnote markers (digits glued to words) dropped, notes split off. Nothing here
is a reader: the tests only need the body text and the four notes, word for word.
"""

from __future__ import annotations

import re
from pathlib import Path

from despatch.model import (
    ArchivalSource,
    DateSource,
    Document,
    DocumentDate,
    DocumentType,
    Note,
    Party,
)

SEED = Path(__file__).resolve().parents[2] / "samples" / "plaintext" / "000_2018aa1b5c0eb2cd.txt"


def _built_seed() -> Document:
    raw = SEED.read_text(encoding="utf-8")
    head, rest = raw.split("\n", 1)
    body, _, notes_block = rest.partition("\n  1. Source:")
    notes_block = "  1. Source:" + notes_block
    body = re.sub(r"\s*\[Page \d+\]\s*", " ", body)
    body = re.sub(r"(?<=[A-Za-z.,])\d(?=\s|$)", "", body)  # afternoon.1, of 1943.2, 1945,3
    body = re.sub(r"(?<=\d{4}\.)\d(?=\s)", "", body)
    paragraphs = [p.strip() for p in body.strip().split("\n\n") if p.strip()]
    text = "\n\n".join(paragraphs)
    notes = []
    for m in re.finditer(r"^  (\d+)\. (.*)$", notes_block, re.M):
        n = m.group(1)
        notes.append(
            Note(
                n=n,
                id=f"d110fn{int(n) - 1}",
                text=m.group(2),
                kind="source" if n == "1" else "editorial",
            )
        )
    return Document(
        id="frus1958-60v19/d110",
        volume="frus1958-60v19",
        number="110",
        heading=head.rstrip("0"),
        title="Telegram From the Embassy in the Soviet Union to the Department of State",
        type=DocumentType.TELEGRAM,
        sender=[Party(name="Embassy in the Soviet Union", place="Moscow", kind="post")],
        recipient=[Party(name="Department of State", place="Washington", kind="office")],
        signers=["Davis"],
        place="Moscow",
        date=DocumentDate(value="1958-09-19", precision="day", source=DateSource.FILE_NUMBER),
        archival=[
            ArchivalSource(
                text="Department of State, Central Files, 793.00/9–1958",
                repository="Department of State",
                collection="Central Files",
                file_number="793.00/9–1958",
                file_date="1958-09-19",
            )
        ],
        text=text,
        notes=notes,
        first_page="231",
        last_page="238",
    )


def seed_document(*, volume: str | None = "frus1958-60v19") -> Document:
    """The seed record (from the plain-text reader when available)."""
    try:
        from despatch.readers.plaintext import PlainTextReader
    except ImportError:
        doc = _built_seed()
    else:
        records = [
            r for r in PlainTextReader().read(SEED, volume=volume) if isinstance(r, Document)
        ]
        doc = records[0]
    if volume is None:
        doc = doc.model_copy(update={"volume": None})
    return doc
