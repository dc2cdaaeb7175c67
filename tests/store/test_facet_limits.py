"""Facet counting when tantivy's bucket limit is reached (seen on a 1M-document archive).

tantivy aborts an aggregation that would make more than 65,000 buckets with
``ValueError: Aborting aggregation because bucket limit was exceeded``; the local store
must then count facet by facet, and mark counts it could only take in part.
"""

from __future__ import annotations

from typing import Any

import pytest

from despatch.store import _tantivy

LIMIT_ERROR = "Aborting aggregation because bucket limit was exceeded. Limit: 65000"


class FakeSearcher:
    """Answers aggregations like tantivy, refusing requests wider than it allows."""

    def __init__(self, values: dict[str, int], *, too_wide: set[str], max_size: int) -> None:
        self.values = values  # distinct values per facet
        self.too_wide = too_wide  # facets that fail even alone at full size
        self.max_size = max_size
        self.calls: list[list[str]] = []

    def aggregate(self, query: object, request: dict[str, Any]) -> dict[str, Any]:
        names = list(request)
        self.calls.append(names)
        if len(names) > 1:
            raise ValueError(LIMIT_ERROR)
        (name,) = names
        size = request[name]["terms"]["size"]
        if name in self.too_wide and size > self.max_size:
            raise ValueError(LIMIT_ERROR)
        n = min(self.values[name], size)
        total = self.values[name]
        buckets = [{"key": f"{name}-{i}", "doc_count": total - i} for i in range(n)]
        return {name: {"buckets": buckets}}


def test_counts_facet_by_facet_when_the_combined_request_is_refused() -> None:
    values = {name: 3 for name in _tantivy.FACET_NAMES}
    searcher = FakeSearcher(values, too_wide=set(), max_size=10)
    counts, exact = _tantivy.count_facets(searcher, object(), _tantivy.ALL_VALUES)  # type: ignore[arg-type]
    assert exact is True
    assert set(counts) == set(_tantivy.FACET_NAMES)
    assert counts["sender"] == {"sender-0": 3, "sender-1": 2, "sender-2": 1}


def test_a_facet_too_wide_alone_keeps_its_top_values_and_is_marked_incomplete() -> None:
    values = {name: 3 for name in _tantivy.FACET_NAMES}
    values["recipient"] = 500
    searcher = FakeSearcher(values, too_wide={"recipient"}, max_size=1000)
    counts, exact = _tantivy.count_facets(searcher, object(), _tantivy.ALL_VALUES)  # type: ignore[arg-type]
    assert exact is False
    assert len(counts["recipient"]) == _tantivy.FACET_LIMIT
    assert counts["recipient"]["recipient-0"] == 500
    assert counts["type"] == {"type-0": 3, "type-1": 2, "type-2": 1}


def test_other_value_errors_are_not_swallowed() -> None:
    class Broken:
        def aggregate(self, query: object, request: object) -> dict[str, Any]:
            raise ValueError("field f_type is not a fast field")

    with pytest.raises(ValueError, match="fast field"):
        _tantivy.count_facets(Broken(), object())  # type: ignore[arg-type]


def test_facets_are_packed_into_as_few_aggregations_as_the_limit_allows() -> None:
    cardinality = {name: 10 for name in _tantivy.FACET_NAMES}
    cardinality.update(sender=44_608, recipient=18_814, volume=1_742)
    groups = _tantivy.facet_groups(cardinality, _tantivy.ALL_VALUES)
    assert sorted(n for g in groups for n in g) == sorted(_tantivy.FACET_NAMES)
    assert len(groups) == 2  # 65,312 buckets in all: one aggregation is refused, two fit
    for group in groups:
        assert sum(cardinality[n] for n in group) <= _tantivy.BUCKET_BUDGET
    # A top-50 request makes at most segment_size (10,000) buckets per facet: one pass.
    assert _tantivy.facet_groups(cardinality) == [_tantivy.FACET_NAMES]
    assert _tantivy.facet_groups(None, _tantivy.ALL_VALUES) == [_tantivy.FACET_NAMES]


def test_grouped_counts_ask_once_per_group() -> None:
    class Counting(FakeSearcher):
        def aggregate(self, query: object, request: dict[str, Any]) -> dict[str, Any]:
            self.calls.append(list(request))
            return {name: {"buckets": [{"key": f"{name}-0", "doc_count": 1}]} for name in request}

    values = {name: 3 for name in _tantivy.FACET_NAMES}
    searcher = Counting(values, too_wide=set(), max_size=10)
    cardinality = {name: 40_000 if name in ("sender", "recipient") else 5 for name in values}
    counts, exact = _tantivy.count_facets(
        searcher,  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        _tantivy.ALL_VALUES,
        cardinality,
    )
    assert exact is True
    assert len(searcher.calls) == 2
    assert all(counts[name] == {f"{name}-0": 1} for name in _tantivy.FACET_NAMES)


def test_facets_split_for_threads_balance_their_cost() -> None:
    cardinality = {name: 10 for name in _tantivy.FACET_NAMES}
    cardinality.update(sender=44_608, recipient=18_814, volume=1_742)
    groups = _tantivy.facet_groups(cardinality, parts=2)
    assert len(groups) == 2
    assert sorted(n for g in groups for n in g) == sorted(_tantivy.FACET_NAMES)
    costs = [sum(_tantivy.facet_cost(cardinality[n]) for n in g) for g in groups]
    assert max(costs) < 1.3 * min(costs)
    # every value of every facet: the bucket limit still decides, whatever the parts
    wide = _tantivy.facet_groups(cardinality, _tantivy.ALL_VALUES, parts=1)
    assert len(wide) == 2
