"""The memory store: the shared suite (it is the reference), and its own behaviour."""

from __future__ import annotations

import pytest

from despatch.model import Document
from despatch.store.base import Outcome
from despatch.store.memory import MemoryStore
from tests.store.suite import StoreSuite, load_samples


class TestMemorySuite(StoreSuite):
    @pytest.fixture(scope="class")
    def store(self) -> MemoryStore:
        store = MemoryStore()
        load_samples(store)
        return store


def test_update_replaces_the_record() -> None:
    store = MemoryStore([Document(id="v/d1", title="Old title", text="alpha")])
    changed = Document(id="v/d1", title="New title", text="beta")
    assert store.put([changed]) == [Outcome.UPDATED]
    assert store.search("alpha").total == 0
    assert store.search("beta").hits[0].title == "New title"


def test_a_richer_source_is_kept() -> None:
    tei = Document(id="v/d1", text="from TEI", reader="tei")
    plain = Document(id="v/d1", text="from plain text", reader="plaintext")
    store = MemoryStore([tei])
    assert store.put([plain]) == [Outcome.SUPERSEDED]
    assert store.get("v/d1").text == "from TEI"
    assert store.put([tei.model_copy(update={"text": "TEI, corrected"})]) == [Outcome.UPDATED]
