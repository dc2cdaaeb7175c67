"""Dates of a TEI document: ``<date>`` attributes and ``frus:doc-dateTime-min/max``.

The FRUS encoding gives a document's date three ways (see samples/tei/EXCERPTS.md):

* ``dateline/date/@when`` in local time, with or without a zone (``1958-09-19T20:00:00``,
  ``1964-01-27T20:00:00+08:00``), or a day (``1964-01-25``);
* ``@from``/``@to`` (a meeting) or ``@notBefore``/``@notAfter`` (an approximate date);
* ``frus:doc-dateTime-min/max`` on the document ``<div>``, always in US Eastern time; an
  editorial note's min/max is the whole volume's range and says nothing about the note.

Values are written as the volumes print them: local time at the place without a zone,
to the minute (``1958-09-19T20:00``); a zoned copy is kept as ``encoded`` evidence so
documents from different places can still be ordered.
"""

from __future__ import annotations

import re
from datetime import date as _date
from typing import Any

from despatch.model import Confidence, DateEvidence, DateSource, DocumentDate
from despatch.readers._tei_records import construct
from despatch.readers.dates import parse_dateline, settle_date

FRUS = "{http://history.state.gov/frus/ns/1.0}"
_ISO = re.compile(
    r"^(?P<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)"
    r"(?:T(?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?$"
)


_SPLIT_CACHE: dict[str, tuple[str, str | None] | None] = {}


def split_iso(value: str | None) -> tuple[str, str | None] | None:
    """``(local, zoned)`` for an ISO date/time attribute; None if it is not ISO 8601.

    ``local`` drops the zone and zero seconds (``1964-01-27T20:00``); ``zoned`` keeps the
    zone when there is one (``1964-01-27T20:00+08:00``), else None.
    """
    if not value:
        return None
    try:  # documents of a volume share days and times: read each value once
        return _SPLIT_CACHE[value]
    except KeyError:
        pass
    if len(_SPLIT_CACHE) > 2_048:
        _SPLIT_CACHE.clear()
    result = _SPLIT_CACHE[value] = _split_iso(value)
    return result


def _split_iso(value: str) -> tuple[str, str | None] | None:
    m = _ISO.match(value.strip())
    if m is None:
        return None
    local = m.group("date")
    if not _valid_date(local):
        return None
    if m.group("h") is not None:
        local += f"T{m.group('h')}:{m.group('m')}"
        if m.group("s") and m.group("s") != "00":
            local += f":{m.group('s')}"
    zone = m.group("zone")
    return local, (local + zone if zone and "T" in local else None)


def _valid_date(value: str) -> bool:
    parts = value.split("-")
    try:
        y = int(parts[0])
        mo = int(parts[1]) if len(parts) > 1 else 1
        d = int(parts[2]) if len(parts) > 2 else 1
        _date(y, mo, d)
    except (ValueError, IndexError):
        return False
    return True


def _whole_day(lo: str, hi: str) -> str | None:
    """The day when ``lo``–``hi`` is exactly one calendar day (T00:00 … T23:59:59)."""
    if lo[:10] == hi[:10] and lo[10:16] == "T00:00" and hi[10:16] in ("T23:59", ""):
        return lo[:10]
    return None


def _span_days(lo: str, hi: str) -> int | None:
    try:
        return (_date.fromisoformat(hi[:10]) - _date.fromisoformat(lo[:10])).days
    except ValueError:
        return None


class DateReading:
    """The evidence and bounds gathered for one document."""

    def __init__(self) -> None:
        self.evidence: list[DateEvidence] = []
        self.not_before: str | None = None
        self.not_after: str | None = None
        self.warnings: list[str] = []

    def from_date_element(self, el: Any, dateline_text: str) -> None:
        """Evidence from a dateline's ``<date>`` element (its attributes, else its words)."""
        words = " ".join(((el.text or "") if not len(el) else "".join(el.itertext())).split())
        ana = el.get("ana") or ""
        conf = (
            Confidence.PROBABLE if ("inferred" in ana or "imprecise" in ana) else Confidence.CERTAIN
        )
        when = split_iso(el.get("when"))
        if when is not None:
            local, zoned = when
            self.evidence.append(
                construct(
                    DateEvidence,
                    value=local,
                    source=DateSource.DATELINE,
                    text=words,
                    confidence=conf,
                )
            )
            if zoned:
                self.evidence.append(
                    construct(
                        DateEvidence,
                        value=zoned,
                        source=DateSource.ENCODED,
                        text="@when",
                        confidence=conf,
                    )
                )
            return
        for lo_attr, hi_attr in (("from", "to"), ("notBefore", "notAfter")):
            lo = split_iso(el.get(lo_attr))
            hi = split_iso(el.get(hi_attr))
            if lo is None and hi is None:
                continue
            lo_v = lo[0] if lo else None
            hi_v = hi[0] if hi else None
            self._range(
                lo_v, hi_v, words, DateSource.DATELINE, conf, start_is_date=lo_attr == "from"
            )
            return
        for attr in ("when", "from", "to", "notBefore", "notAfter"):
            if el.get(attr) is not None and split_iso(el.get(attr)) is None:
                self.warnings.append(f"<date {attr}={el.get(attr)!r}> is not an ISO 8601 date")
        self.from_words(dateline_text or words)

    def from_words(self, text: str) -> None:
        """Evidence from a dateline's words alone (no usable attributes)."""
        if not text:
            return
        parsed = parse_dateline(text)
        if parsed is not None and parsed.evidence is not None:
            self.evidence.append(parsed.evidence)

    def _range(
        self,
        lo: str | None,
        hi: str | None,
        words: str,
        source: DateSource,
        conf: Confidence,
        *,
        start_is_date: bool,
    ) -> None:
        self.not_before = lo or self.not_before
        self.not_after = hi or self.not_after
        self.evidence.append(
            construct(
                DateEvidence,
                value=f"{lo or '..'}/{hi or '..'}",
                source=source,
                text=words,
                confidence=conf,
                role="range",
            )
        )
        if lo and (start_is_date or (hi and lo[:10] == hi[:10])):
            # a meeting is dated by its start; a same-day range by its day
            value = lo if start_is_date else lo[:10]
            self.evidence.append(
                construct(DateEvidence, value=value, source=source, text=words, confidence=conf)
            )

    def from_div(self, div: Any, coverage: tuple[str, str] | None) -> None:
        """Evidence from ``frus:doc-dateTime-min/max`` unless it is the whole volume's range."""
        lo_raw = div.get(FRUS + "doc-dateTime-min")
        hi_raw = div.get(FRUS + "doc-dateTime-max")
        if not lo_raw and not hi_raw:
            return
        if coverage is not None and (lo_raw, hi_raw) == coverage:
            return  # an editorial note: the volume's range, not a date of the note
        lo = split_iso(lo_raw)
        hi = split_iso(hi_raw)
        if (lo_raw and lo is None) or (hi_raw and hi is None):
            self.warnings.append(
                f"frus:doc-dateTime-min/max {lo_raw!r}/{hi_raw!r} is not ISO 8601; ignored"
            )
            return
        lo_z = (lo[1] or lo[0]) if lo else None
        hi_z = (hi[1] or hi[0]) if hi else None
        if lo and hi:
            days = _span_days(lo[0], hi[0])
            if days is not None and days > 366:
                return  # spans more than a year: a volume or chapter range
            day = _whole_day(lo[0], hi[0])
            if day is not None:
                self.evidence.append(
                    construct(
                        DateEvidence,
                        value=day,
                        source=DateSource.ENCODED,
                        text="frus:doc-dateTime-min/max",
                        confidence=Confidence.PROBABLE,
                    )
                )
                return
            if lo_z == hi_z and lo_z is not None:
                self.evidence.append(
                    construct(
                        DateEvidence,
                        value=lo_z,
                        source=DateSource.ENCODED,
                        text="frus:doc-dateTime-min/max",
                        confidence=Confidence.PROBABLE,
                    )
                )
                return
        self.evidence.append(
            construct(
                DateEvidence,
                value=f"{lo_z or '..'}/{hi_z or '..'}",
                source=DateSource.ENCODED,
                text="frus:doc-dateTime-min/max",
                confidence=Confidence.PROBABLE,
                role="range",
            )
        )
        if self.not_before is None and self.not_after is None:
            self.not_before, self.not_after = lo_z, hi_z

    def settle(self) -> DocumentDate:
        """The document date: ``settle_date`` over the evidence, with range bounds."""
        settled = settle_date(self.evidence)
        if self.not_before or self.not_after:
            update: dict[str, Any] = {"not_before": self.not_before, "not_after": self.not_after}
            if settled.value is None:
                update["precision"] = "range"
                update["source"] = next(
                    (e.source for e in self.evidence if e.role == "range"), None
                )
                update["confidence"] = Confidence.PROBABLE
            settled = settled.model_copy(update=update)
        return settled
