"""The source-note grammar, on real FRUS source notes.

Unless a case says otherwise, each note is copied from the bundled TEI excerpts
(``samples/tei/``): FRUS 1958–60 vol. XIX (d105–d115) and 1964–68 vol. XXX (d1–d14).
"""

from __future__ import annotations

import pytest

from despatch.model import Addressee, ArchivalSource, Drafting, SourceNote
from despatch.readers.sourcenote import (
    decimal_file_date,
    parse_archival,
    parse_source_note,
    split_sentences,
)

SEED_NOTE = (
    "Source: Department of State, Central Files, 793.00/9–1958. Official Use Only; Niact. "
    "Transmitted in five sections. Received at 9:29 p.m. Also sent priority to CINCPAC for "
    "POLAD and repeated priority to USUN, London, Taipei, Warsaw, and Hong Kong."
)


def test_seed_source_note_in_full() -> None:
    note = parse_source_note(SEED_NOTE)
    assert note == SourceNote(
        text=SEED_NOTE,
        sources=[
            ArchivalSource(
                text="Department of State, Central Files, 793.00/9–1958",
                repository="Department of State",
                collection="Central Files",
                file_number="793.00/9–1958",
                file_date="1958-09-19",
            )
        ],
        classification="Official Use Only",
        precedence="Niact",
        sections=5,
        received="9:29 p.m.",
        addressees=[
            Addressee(name="CINCPAC", role="action", precedence="priority", qualifier="for POLAD"),
            *[
                Addressee(name=n, role="repeated", precedence="priority")
                for n in ("USUN", "London", "Taipei", "Warsaw", "Hong Kong")
            ],
        ],
    )


def test_drafting_cleared_and_approved_with_titles_and_in_draft() -> None:
    # vol. XIX d109
    note = parse_source_note(
        "Source: Department of State, Central Files, 611.93/9–1958. Secret; Priority; Limit "
        "Distribution. Drafted by Josiah W. Bennett, Officer in Charge of Political Affairs in "
        "the Office of Chinese Affairs, and Green; cleared by Herter and Martin and in draft by "
        "Dulles and Robertson; and approved by Parsons. Repeated priority to Taipei."
    )
    assert note.classification == "Secret" and note.precedence == "Priority"
    assert note.handling == ["Limit Distribution"]
    assert note.drafting == Drafting(
        drafted_by=[
            "Josiah W. Bennett, Officer in Charge of Political Affairs in the Office of "
            "Chinese Affairs",
            "Green",
        ],
        cleared_by=["Herter", "Martin", "Dulles", "Robertson"],
        approved_by=["Parsons"],
    )
    assert note.addressees == [Addressee(name="Taipei", role="repeated", precedence="priority")]
    assert note.unparsed == []


def test_drafted_on_a_date_and_comma_separated_clauses() -> None:
    # vol. XXX d4
    note = parse_source_note(
        "Source: Department of State, Central Files, POL 17 CHICOM-FR. Secret; Priority; "
        "Exdis. Drafted by Meloy on January 17, cleared by Tyler, and approved by Rusk. "
        "Repeated to London, Bonn, Rome, Tokyo for the Attorney General, Taipei, Brussels, "
        "Ottawa, and Saigon."
    )
    assert note.sources[0].file_number == "POL 17 CHICOM-FR"  # subject-numeric file, 1963–
    assert note.sources[0].file_date is None
    assert note.handling == ["Exdis"]
    assert note.drafting == Drafting(
        drafted_by=["Meloy"], cleared_by=["Tyler"], approved_by=["Rusk"], drafted_on="January 17"
    )
    names = [(a.name, a.qualifier) for a in note.addressees]
    assert names == [
        ("London", None), ("Bonn", None), ("Rome", None), ("Tokyo", "for the Attorney General"),
        ("Taipei", None), ("Brussels", None), ("Ottawa", None), ("Saigon", None),
    ]  # fmt: skip
    assert {a.role for a in note.addressees} == {"repeated"}


def test_lot_file_and_record_group() -> None:
    # vol. XIX d107
    note = parse_source_note(
        "Source: Washington National Records Center, RG 84, Taipei Embassy Files: FRC 68 A "
        "5159, Item 147, Lot 62 F 83, Offshore Islands and Taiwan Straits (1958 Crisis). Top "
        "Secret; Priority. Repeated to CNO and COMSEVENTHFLT."
    )
    src = note.sources[0]
    assert src.repository == "Washington National Records Center"
    assert src.series == "RG 84"
    assert src.lot == "62 F 83"
    assert src.collection is not None and src.collection.startswith("Taipei Embassy Files")
    assert note.classification == "Top Secret" and note.precedence == "Priority"
    assert [a.name for a in note.addressees] == ["CNO", "COMSEVENTHFLT"]


def test_lot_d_file() -> None:
    # vol. XXX d9
    note = parse_source_note(
        "Source: Department of State, INR/EAP Files: Lot 90 D 110, NIE 13–64. Secret; "
        "Controlled Dissem. According to a note on the cover sheet, the estimate was "
        "submitted by the Director of Central Intelligence."
    )
    assert note.sources[0].lot == "90 D 110"
    assert note.sources[0].collection == "INR/EAP Files"
    assert note.handling == ["Controlled Dissem"]
    assert note.unparsed == [
        "According to a note on the cover sheet, the estimate was submitted by the Director "
        "of Central Intelligence."
    ]


def test_presidential_library_and_unknown_sentences_kept_verbatim() -> None:
    # vol. XIX d115
    note = parse_source_note(
        "Source: Eisenhower Library, Whitman File, DDE Diaries. Top Secret. Drafted by "
        "Hagerty. A copy bearing the notation “Sec saw” is in Department of State, Central "
        "Files, 793.5/9-2158."
    )
    assert note.sources[0].repository == "Eisenhower Library"
    assert note.sources[0].collection == "Whitman File, DDE Diaries"
    assert note.drafting == Drafting(drafted_by=["Hagerty"])
    assert note.unparsed == [
        "A copy bearing the notation “Sec saw” is in Department of State, Central Files, "
        "793.5/9-2158."
    ]


def test_received_in_washington_and_operational_immediate() -> None:
    # vol. XIX d112
    note = parse_source_note(
        "Source: National Archives and Records Administration, RG 218, JCS Records, 381 "
        "Formosa (11–8–48), Section 39. Secret; Operational Immediate. Received in Washington "
        "at 9:48 a.m. Repeated to JCS, CNO, CTF 72, CHNAVSEC MAAG TAIWAN, and the Embassy in "
        "Taipei."
    )
    assert note.precedence == "Operational Immediate"
    assert note.received == "9:48 a.m."
    assert [a.name for a in note.addressees] == [
        "JCS", "CNO", "CTF 72", "CHNAVSEC MAAG TAIWAN", "the Embassy in Taipei",
    ]  # fmt: skip


def test_flash_limdis_and_passed_to() -> None:
    # vol. XXX d12
    note = parse_source_note(
        "Source: Department of State, Central Files, POL 1 CHINAT-FR. Secret; Flash; Limdis. "
        "Received at 9:04 a.m. Repeated to Paris, Tokyo, Hong Kong, and US UN. Passed to the "
        "White House, OSD, Army, Air Force, Navy, and CIA."
    )
    assert (note.classification, note.precedence, note.handling) == ("Secret", "Flash", ["Limdis"])
    roles = [(a.name, a.role) for a in note.addressees]
    assert roles[:4] == [(n, "repeated") for n in ("Paris", "Tokyo", "Hong Kong", "US UN")]
    assert roles[4:] == [
        (n, "information") for n in ("the White House", "OSD", "Army", "Air Force", "Navy", "CIA")
    ]


def test_also_sent_niact() -> None:
    # vol. XIX d111
    note = parse_source_note(
        "Source: Department of State, Central Files, 793.00/9–2058. Top Secret; Niact; Limit "
        "Distribution. Received at 4:36 a.m. Also sent niact to USUN."
    )
    assert note.received == "4:36 a.m."
    assert note.addressees == [Addressee(name="USUN", role="action", precedence="niact")]
    assert note.sources[0].file_date == "1958-09-20"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Variants of the genre (forms used across FRUS; written for this test).
        ("Sent to London and repeated to Paris.",
         [("London", "action", None), ("Paris", "repeated", None)]),
        ("Sent to Taipei; repeated to CINCPAC.",
         [("Taipei", "action", None), ("CINCPAC", "repeated", None)]),
        ("Repeated to Moscow priority.", [("Moscow", "repeated", "priority")]),
        ("Pouched to Hong Kong.", [("Hong Kong", "information", None)]),
    ],
)  # fmt: skip
def test_addressee_variants(sentence: str, expected: list[tuple[str, str, str | None]]) -> None:
    note = parse_source_note(
        f"Source: Department of State, Central Files, 793.00/9–2058. {sentence}"
    )
    assert [(a.name, a.role, a.precedence) for a in note.addressees] == expected
    assert note.unparsed == []


@pytest.mark.parametrize(
    ("line", "classification", "precedence", "handling"),
    [
        ("Secret; Eyes Only.", "Secret", None, ["Eyes Only"]),
        ("Confidential; Routine.", "Confidential", "Routine", []),
        ("Limited Official Use; Immediate.", "Limited Official Use", "Immediate", []),
        ("Unclassified.", "Unclassified", None, []),
        ("Top Secret; Nodis; Eyes Only for the Secretary.", "Top Secret", None,
         ["Nodis", "Eyes Only for the Secretary"]),
    ],
)  # fmt: skip
def test_security_line_variants(
    line: str, classification: str, precedence: str | None, handling: list[str]
) -> None:
    note = parse_source_note(f"Source: Department of State, Central Files, 611.93/1–2060. {line}")
    assert note.classification == classification
    assert note.precedence == precedence
    assert note.handling == handling


def test_sent_to_with_prose_is_not_an_addressee_list() -> None:
    # vol. XIX d106: "Sent to Acting Secretary Herter with a covering note …" is prose.
    note = parse_source_note(
        "Source: Department of State, Central Files, 793.00/9–1858. Top Secret. Sent to Acting "
        "Secretary Herter with a covering note of September 19 from Acting Assistant Secretary "
        "Parsons which reads as follows: “With reference to our meeting. It reflects views.”"
    )
    assert note.addressees == []
    assert len(note.unparsed) == 1 and note.unparsed[0].startswith("Sent to Acting Secretary")


def test_note_without_source_prefix_and_empty_note() -> None:
    note = parse_source_note("Printed from an unsigned copy.")
    assert note.sources == [] and note.unparsed == ["Printed from an unsigned copy."]
    assert parse_source_note("") == SourceNote(text="")


def test_several_sources_separated_by_semicolons() -> None:
    sources = parse_archival(
        "Department of State, Central Files, 793.00/9–1958; Eisenhower Library, Dulles Papers, "
        "Box 7, Folder China"
    )
    assert [s.repository for s in sources] == ["Department of State", "Eisenhower Library"]
    assert sources[1].box == "7" and sources[1].folder == "China"
    assert sources[1].collection == "Dulles Papers"


@pytest.mark.parametrize(
    ("file_number", "iso"),
    [
        ("793.00/9–1958", "1958-09-19"),
        ("793.5/9-2158", "1958-09-21"),
        ("611.93/12–3159", "1959-12-31"),
        ("740.00119 Control (Germany)/9–2848", "1948-09-28"),
        ("793.00/2–3058", None),  # no February 30th
        ("793.00/13–158", None),
        ("POL 16 CHICOM", None),
    ],
)
def test_decimal_file_dates(file_number: str, iso: str | None) -> None:
    assert decimal_file_date(file_number) == iso


def test_sentences_respect_abbreviations_initials_and_quotes() -> None:
    assert split_sentences(
        "Drafted by Josiah W. Bennett. Received at 9:29 p.m. Also sent to U.S. Army. "
        "It said “Go. Now.” Then (Ibid.) ended."
    ) == [
        "Drafted by Josiah W. Bennett.",
        "Received at 9:29 p.m.",
        "Also sent to U.S. Army.",
        "It said “Go. Now.”",
        "Then (Ibid.) ended.",
    ]
