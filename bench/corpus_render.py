"""Render generated documents as FRUS TEI P5 volumes or as history.state.gov plain text.

Segments of a paragraph (``corpus_docs``):

* ``str`` — a word (with its punctuation), separated from the previous one by a space;
* ``("S", text)`` — text glued to the previous segment (``’s``, ``.``, ``)``);
* ``("P", corresp | None, name, type | None)`` — ``<persName>``;
* ``("G", target | None, text, type | None)`` — ``<gloss>`` (an abbreviation, or the
  from/to post of a heading);
* ``("R", target, text)`` — ``<ref>``;
* ``("I", text | segments)`` — ``<hi rend="italic">``;
* ``("N", n, segments)`` — a footnote, glued to the previous word (``afternoon.1``);
* ``("B", page)`` — a page break; the next word follows it without a space in TEI
  (``of <pb n="232" …/>the``) and ``[Page 232]`` in plain text.

The TEI follows the encodings of ``samples/tei/`` by era: 1958–1960 style (compilation ›
chapter › document, source note ``n="0"``, ``@when`` without zone) for 1914–1960;
1964–1968 style (documents under the compilation, ``subtype``, ``frus:doc-dateTime-min/max``
in Eastern time, zoned ``@when``, source note ``n="1"``) from 1961; 1901 style (untitled
``Mr. X to Mr. Y.`` heads, ``<opener>`` with the despatch number and dateline) before 1914.
"""

from __future__ import annotations

from typing import Any

from bench.corpus_docs import Doc, Seg, VolumeData

_I = "                        "  # document-level indentation, as in the samples


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def tei_inline(segs: list[Seg], did: str, out: list[str]) -> None:
    """Append the TEI of ``segs`` to ``out``."""
    glue = True
    for s in segs:
        if type(s) is str:
            if not glue:
                out.append(" ")
            out.append(s)
            glue = False
            continue
        k = s[0]
        if k == "S":
            out.append(s[1])
            glue = False
        elif k == "N":
            out.append(f'<note n="{s[1]}" xml:id="{did}fn{s[1]}">')
            tei_inline(s[2], did, out)
            out.append("</note>")
            glue = False
        elif k == "B":
            if not glue:
                out.append(" ")
            out.append(_pb(s[1]))
            glue = True
        else:
            if not glue:
                out.append(" ")
            glue = False
            if k == "P":
                corresp = f' corresp="#{s[1]}"' if s[1] else ""
                typ = f' type="{s[3]}"' if s[3] else ""
                out.append(f"<persName{corresp}{typ}>{s[2]}</persName>")
            elif k == "G":
                target = f' target="#{s[1]}"' if s[1] else ""
                typ = f' type="{s[3]}"' if s[3] else ""
                out.append(f"<gloss{target}{typ}>{s[2]}</gloss>")
            elif k == "R":
                out.append(f'<ref target="{_attr(s[1])}">{s[2]}</ref>')
            elif k == "I":
                out.append('<hi rend="italic">')
                if isinstance(s[1], str):
                    out.append(s[1])
                else:
                    tei_inline(s[1], did, out)
                out.append("</hi>")


def text_inline(segs: list[Seg], notes: list[str], out: list[str]) -> None:
    """Append the plain text of ``segs`` to ``out``; footnotes go to ``notes``."""
    glue = True
    for s in segs:
        if type(s) is str:
            if not glue:
                out.append(" ")
            out.append(s)
            glue = False
            continue
        k = s[0]
        if k == "S":
            out.append(s[1])
        elif k == "N":
            out.append(str(s[1]))
            buf: list[str] = []
            text_inline(s[2], notes, buf)
            notes.append("".join(buf))
        elif k == "B":
            if not glue:
                out.append(" ")
            out.append(f"[Page {s[1]}]")
        else:
            if not glue:
                out.append(" ")
            if k in ("P", "G") or k == "R":
                out.append(s[2])
            elif k == "I":
                if isinstance(s[1], str):
                    out.append(s[1])
                else:
                    text_inline(s[1], notes, out)
        glue = False


def _pb(page: int) -> str:
    return f'<pb n="{page}" xml:id="pg_{page}" facs="{page + 32:04d}"/>'


def tei_document(doc: Doc, vol: VolumeData, indent: str = _I) -> str:
    """One ``<div type="document">``, with a page break before it when one falls there."""
    did = f"d{doc.n}"
    era = vol.spec.era
    out: list[str] = []
    i0 = indent[:-4]
    if doc.pb_before is not None:
        out.append(f"{i0}{_pb(doc.pb_before)}\n")
    if era == "modern":
        sub = "editorial-note" if doc.kind == "editorial" else "historical-document"
        mm = doc.min_max or ("", "")
        out.append(
            f'{i0}<div type="document" xml:id="{did}" n="{doc.n}" subtype="{sub}" '
            f'frus:doc-dateTime-min="{mm[0]}" frus:doc-dateTime-max="{mm[1]}">\n'
        )
    else:
        out.append(f'{i0}<div type="document" xml:id="{did}" n="{doc.n}">\n')
    out.append(f"{indent}<head>")
    if doc.numbered:
        out.append(f"{doc.n}. ")
    tei_inline(doc.head, did, out)
    if doc.source is not None:
        if doc.n % 3 == 0:
            out.append(f"\n{indent}    ")
        out.append(f'<note n="{doc.source_n}" xml:id="{did}fn{doc.source_n}" type="source">')
        tei_inline(doc.source, did, out)
        out.append("</note>")
    out.append(f"\n{indent}</head>\n" if doc.source is not None else "</head>\n")
    if doc.place is not None and doc.when is not None:
        cal = ' calendar="gregorian"' if len(doc.when) == 10 else ""
        dateline = (
            f"<dateline><placeName>{doc.place}</placeName>, "
            f'<date when="{doc.when}"{cal}>{doc.date_text}</date>.</dateline>'
        )
        if doc.opener_no:
            right = dateline.replace("<dateline>", '<dateline rendition="#right">')
            out.append(
                f'{indent}<opener><seg rendition="#left">{doc.opener_no}</seg>{right}</opener>\n'
            )
        else:
            out.append(f"{indent}{dateline}\n")
    if doc.subject:
        out.append(
            f'{indent}<list type="subject">\n{indent}    <head>SUBJECT</head>\n'
            f"{indent}    <item>{doc.subject}</item>\n{indent}</list>\n"
        )
    if doc.participants:
        out.append(f'{indent}<list type="participants">\n{indent}    <head>PARTICIPANTS</head>\n')
        for item in doc.participants:
            out.append(f"{indent}    <item>")
            tei_inline(item, did, out)
            out.append("</item>\n")
        out.append(f"{indent}</list>\n")
    for para in doc.paras:
        out.append(f"{indent}<p>")
        tei_inline(para, did, out)
        out.append("</p>\n")
    if era == "old" and doc.signed is not None:
        out.append(f"{indent}<p>I have, etc.,</p>\n")
    if doc.signed is not None:
        out.append(f"{indent}<closer>\n{indent}    <signed>")
        if era == "old":
            out.append('<hi rend="smallcaps">')
            tei_inline(doc.signed, did, out)
            out.append("</hi>")
        else:
            tei_inline(doc.signed, did, out)
        out.append(f"</signed>\n{indent}</closer>\n")
    if doc.pb_end is not None:
        out.append(f"{indent}{_pb(doc.pb_end)}\n")
    out.append(f"{i0}</div>\n")
    return "".join(out)


def tei_header(vol: VolumeData) -> str:
    """XML declaration, ``<TEI>``, the header and the front matter up to ``<body>``."""
    spec = vol.spec
    yrs = str(spec.start) if spec.start == spec.end else f"{spec.start}–{spec.end}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/frus/ns/1.0"'
        f' xml:id="{spec.id}">\n',
        "    <teiHeader>\n        <fileDesc>\n            <titleStmt>\n",
        f'                <title type="complete">{vol.title}</title>\n',
        '                <title type="series">Foreign Relations of the United States</title>\n',
        f'                <title type="sub-series">{yrs}</title>\n',
        f'                <title type="volume">{vol.region}</title>\n',
        f'                <editor role="primary">{vol.editor}</editor>\n',
        "            </titleStmt>\n            <publicationStmt>\n",
        "                <publisher>United States Government Printing Office</publisher>\n",
        "                <pubPlace>Washington</pubPlace>\n",
        f"                <date>{vol.published}</date>\n",
        f'                <idno type="frus">{spec.id}</idno>\n',
        "            </publicationStmt>\n            <sourceDesc>\n",
        f"                <p>Released in {vol.published} as printed book</p>\n",
        "            </sourceDesc>\n        </fileDesc>\n    </teiHeader>\n",
        "    <text>\n        <front>\n",
    ]
    fo = vol.facs_offset
    if vol.terms:
        out.append(f'            <pb n="XI" xml:id="pg_XI" facs="{fo - 20:04d}"/>\n')
        out.append(
            '            <div type="section" xml:id="terms">\n'
            "                <head>List of Abbreviations</head>\n"
            '                <list type="terms">\n'
        )
        for tid, term, expansion in vol.terms:
            out.append(
                f'                    <item>\n                        <hi rend="strong">\n'
                f'                            <term xml:id="{tid}">{term}</term>,</hi>'
                f" {expansion}</item>\n"
            )
        out.append("                </list>\n            </div>\n")
    if vol.persons:
        out.append(f'            <pb n="XV" xml:id="pg_XV" facs="{fo - 16:04d}"/>\n')
        out.append(
            '            <div type="section" xml:id="persons">\n'
            "                <head>List of Persons</head>\n"
            '                <list type="names">\n'
        )
        for pid, p in vol.persons:
            remark = p.remark or "Department of State official"
            out.append(
                f'                    <item>\n                        <hi rend="strong">\n'
                f'                            <persName xml:id="{pid}">{p.sort_name}'
                f"</persName>,</hi> {remark}</item>\n"
            )
        out.append("                </list>\n            </div>\n")
    out.append("        </front>\n        <body>\n")
    out.append(
        f'            <div type="compilation" xml:id="comp1">\n'
        f"                <head>{vol.region}</head>\n"
    )
    return "".join(out)


def tei_volume(vol: VolumeData, docs: list[Doc]) -> str:
    """A whole volume as one TEI string."""
    parts = [tei_header(vol)]
    chapters = {n: head for n, head in vol.chapters}
    in_chapter = False
    ch = 0
    indent = _I if vol.chapters else _I[:-4]
    for doc in docs:
        if doc.n in chapters:
            if in_chapter:
                parts.append("                </div>\n")
            ch += 1
            parts.append(
                f'                <div type="chapter" xml:id="ch{ch}">\n'
                f"                    <head>{chapters[doc.n]}</head>\n"
            )
            in_chapter = True
        parts.append(tei_document(doc, vol, indent))
    if in_chapter:
        parts.append("                </div>\n")
    parts.append("            </div>\n        </body>\n    </text>\n</TEI>\n")
    return "".join(parts)


def text_document(doc: Doc, *, dateline: bool = True) -> str:
    """One document in the form a reader copies from history.state.gov (the seed's form)."""
    notes: list[str] = []
    head: list[str] = [f"{doc.n}. "] if doc.numbered else []
    text_inline(doc.head, notes, head)
    if doc.source is not None:
        head.append(str(doc.source_n))
        buf: list[str] = []
        text_inline(doc.source, notes, buf)
        notes.append("".join(buf))
    blocks = ["".join(head)]
    if doc.opener_no:
        blocks.append(doc.opener_no)
    if dateline and doc.place is not None:
        blocks.append(f"{doc.place}, {doc.date_text}.")
    if doc.subject:
        blocks.append(f"SUBJECT\n\n{doc.subject}")
    if doc.participants:
        items = []
        for item in doc.participants:
            buf = []
            text_inline(item, notes, buf)
            items.append("".join(buf))
        blocks.append("PARTICIPANTS\n\n" + "\n".join(items))
    for para in doc.paras:
        buf = []
        text_inline(para, notes, buf)
        blocks.append("".join(buf))
    if doc.signed is not None:
        if doc.kind in ("despatch", "instruction"):
            blocks.append("I have, etc.,")
        buf = []
        text_inline(doc.signed, notes, buf)
        blocks.append("".join(buf))
    text = "\n\n".join(blocks)
    if notes:
        text += "\n" + "\n".join(f"  {i}. {t}" for i, t in enumerate(notes, 1))
    return text


def describe(doc: Doc) -> dict[str, Any]:
    """The facts a test can check a reader against."""
    return {"n": doc.n, "kind": doc.kind, "date": doc.date.isoformat(), "place": doc.place}
