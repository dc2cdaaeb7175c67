from __future__ import annotations

from despatch.model import (
    Addressee,
    ArchivalSource,
    DateEvidence,
    DateSource,
    Document,
    DocumentType,
    Note,
    PageBreak,
    Paragraph,
    Party,
    TelegramInfo,
)


def _sample() -> Document:
    text = "634. Following is text.\n\nSecond paragraph on page 232."
    return Document(
        id="frus1958-60v19/d110",
        volume="frus1958-60v19",
        number="110",
        title="Telegram From the Embassy in the Soviet Union to the Department of State",
        type=DocumentType.TELEGRAM,
        sender=[Party(name="Embassy in the Soviet Union", place="Moscow", kind="post")],
        recipient=[Party(name="Department of State", place="Washington", kind="office")],
        dates=[DateEvidence(value="1958-09-19", source=DateSource.FILE_NUMBER, text="9–1958")],
        telegram=TelegramInfo(
            serial="634",
            classification="Official Use Only",
            addressees=[Addressee(name="USUN", role="repeated", precedence="priority")],
        ),
        archival=[ArchivalSource(text="Department of State, Central Files, 793.00/9–1958.")],
        text=text,
        paragraphs=[Paragraph(start=0, end=23, pages=["231"]), Paragraph(start=25, end=len(text))],
        pages=[PageBreak(page="232", offset=25)],
        first_page="231",
        notes=[Note(n="1", text="Source: …", kind="source")],
    )


def test_json_round_trip_is_lossless() -> None:
    doc = _sample()
    assert Document.from_json(doc.to_json()) == doc


def test_page_at_uses_the_break_in_force() -> None:
    doc = _sample()
    assert doc.page_at(0) == "231"
    assert doc.page_at(30) == "232"
