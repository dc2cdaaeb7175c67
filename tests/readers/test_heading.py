"""Heading analysis: number, type, sender/recipient with their places, telegram serial.

Headings are from the bundled TEI excerpts unless a case says otherwise.
"""

from __future__ import annotations

import pytest

from despatch.model import DocumentType, Party, SourceNote
from despatch.readers.heading import (
    correspondence_type,
    document_type,
    parties,
    split_heading,
    telegram_info,
    telegram_serial,
)
from despatch.readers.posts import place_of_post


def test_split_heading_with_glued_and_spaced_markers() -> None:
    h = split_heading(
        "110. Telegram From the Embassy in the Soviet Union to the Department of State0"
    )
    assert (h.number, h.marker) == ("110", "0")
    assert h.title == "Telegram From the Embassy in the Soviet Union to the Department of State"
    spaced = split_heading("110. Telegram From X to the Department of State 0")
    assert spaced.marker is None and spaced.title.endswith("State 0")
    spaced = split_heading(
        "110. Telegram From X to the Department of State 0", allow_spaced_marker=True
    )
    assert spaced.marker == "0" and spaced.title.endswith("State")
    # Digits glued to digits belong to the title.
    assert split_heading("9. Special National Intelligence Estimate 13–2–62").marker is None
    assert split_heading("Mr. Conger to Mr. Hay.") == split_heading("Mr. Conger to Mr. Hay.")
    assert split_heading("Mr. Conger to Mr. Hay.").number is None


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("110. Telegram From the Embassy in the Soviet Union to the Department of State",
         DocumentType.TELEGRAM),
        ("4. Circular Telegram From the Department of State to the Embassy in France",
         DocumentType.TELEGRAM),
        ("105. Memorandum of Conversation", DocumentType.MEMORANDUM_OF_CONVERSATION),
        ("106. Memorandum by the Regional Planning Adviser in the Bureau of Far Eastern "
         "Affairs (Green)", DocumentType.MEMORANDUM),
        ("114. Editorial Note", DocumentType.EDITORIAL_NOTE),
        ("9. National Intelligence Estimate", DocumentType.INTELLIGENCE_ESTIMATE),
        ("Mr. Conger to Mr. Hay.", DocumentType.CORRESPONDENCE),
        ("12. Airgram From the Embassy in Japan to the Department of State",
         DocumentType.AIRGRAM),
        ("13. Letter From President Eisenhower to Chairman Khrushchev", DocumentType.LETTER),
        ("14. Minutes of a Meeting of the National Security Council", DocumentType.MINUTES),
        ("15. Paper Prepared in the Policy Planning Staff", DocumentType.PAPER),
    ],
)  # fmt: skip
def test_document_type(heading: str, kind: DocumentType) -> None:
    assert document_type(heading) is kind


def test_parties_of_a_telegram() -> None:
    sender, recipient = parties(
        "Telegram From the Embassy in the Soviet Union to the Department of State"
    )
    assert sender == [Party(name="Embassy in the Soviet Union", place="Moscow", kind="post")]
    assert recipient == [Party(name="Department of State", place="Washington", kind="office")]
    sender, recipient = parties("Telegram From the Department of State to the Embassy in Poland")
    assert recipient == [Party(name="Embassy in Poland", place="Warsaw", kind="post")]


def test_parties_of_persons_and_offices() -> None:
    assert parties("Mr. Conger to Mr. Hay.") == (
        [Party(name="Mr. Conger", kind="person")],
        [Party(name="Mr. Hay", kind="person")],
    )
    sender, recipient = parties(
        "Memorandum From Robert W. Komer of the National Security Council Staff to "
        "President Johnson"
    )
    assert sender[0].name == "Robert W. Komer of the National Security Council Staff"
    assert sender[0].kind == "person"
    assert recipient == [Party(name="President Johnson", kind="person")]
    # " to " inside a title does not split sender from recipient.
    sender, recipient = parties(
        "Letter From the Ambassador to the Soviet Union (Thompson) to the Secretary of State"
    )
    assert sender[0].name == "Ambassador to the Soviet Union (Thompson)"
    assert sender[0].place == "Moscow"
    assert recipient == [Party(name="Secretary of State", place="Washington", kind="person")]
    sender, recipient = parties(
        "Telegram From the Commander, U.S. Taiwan Defense Command (Smoot) to the Commander "
        "in Chief, Pacific (Felt)"
    )
    assert sender[0].name == "Commander, U.S. Taiwan Defense Command (Smoot)"
    assert recipient[0].name == "Commander in Chief, Pacific (Felt)"


@pytest.mark.parametrize(
    "heading",
    ["105. Memorandum of Conversation", "114. Editorial Note", "Memorandum for the Record"],
)
def test_headings_without_correspondents(heading: str) -> None:
    assert parties(heading) == ([], [])


def test_memorandum_by_has_a_sender_only() -> None:
    sender, recipient = parties(
        "Memorandum by the Regional Planning Adviser in the Bureau of Far Eastern Affairs (Green)"
    )
    assert [p.name for p in sender] == [
        "Regional Planning Adviser in the Bureau of Far Eastern Affairs (Green)"
    ]
    assert recipient == []


@pytest.mark.parametrize(
    ("post", "place"),
    [
        ("Embassy in the Soviet Union", "Moscow"),
        ("the Embassy in the Republic of China", "Taipei"),
        ("Embassy in France", "Paris"),
        ("Consulate General at Hong Kong", "Hong Kong"),
        ("Mission at the United Nations", "New York"),
        ("Department of State", "Washington"),
        ("Embassy in China", None),  # the seat moved (Peking, Nanking, Chungking)
        ("Embassy in Atlantis", None),
    ],
)
def test_place_of_post(post: str, place: str | None) -> None:
    assert place_of_post(post) == place


@pytest.mark.parametrize(
    ("paragraph", "serial"),
    [
        ("634. Following is text of Khrushchev’s reply", "634"),
        ("3539. For Ambassador Bohlen.", "3539"),
        ("1958. The reply follows", "1958"),  # telegram 1958, not a year
        ("3.5 million tons", None),
        ("No. 435.]", "435"),
        ("Following is text", None),
    ],
)
def test_telegram_serial(paragraph: str, serial: str | None) -> None:
    assert telegram_serial(paragraph) == serial


def test_correspondence_type_from_the_dateline() -> None:
    assert (
        correspondence_type(
            "Legation of the United States, Peking, China, October 30, 1900.",
            has_despatch_number=True,
        )
        is DocumentType.DESPATCH
    )
    assert (
        correspondence_type(
            "Department of State, Washington, January 11, 1901.", has_despatch_number=False
        )
        is DocumentType.INSTRUCTION
    )
    assert correspondence_type("Peking, November 19, 1900.", has_despatch_number=False) is (
        DocumentType.CORRESPONDENCE
    )


def test_telegram_info_copies_the_source_note() -> None:
    note = SourceNote(text="x", classification="Secret", precedence="Flash", sections=2)
    info = telegram_info(note, "12")
    assert (info.serial, info.classification, info.precedence, info.sections) == (
        "12", "Secret", "Flash", 2,
    )  # fmt: skip
    assert telegram_info(None, None).serial is None
