"""Per-process shared resources for tasks: one store per database URL, one tagger.

Tasks receive only the database URL; opening the store (and running its
migrations) or loading the spaCy pipeline once per process keeps a batch fast,
and also works on Dask workers, where each worker process loads its own.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

from scrthemes.corpus.store import Store
from scrthemes.nlp.themes import load_themes

if TYPE_CHECKING:  # spaCy is imported only when a tagger is needed
    from scrthemes.nlp.mentions import Mention
    from scrthemes.nlp.tagger import Tagger

_TAG_LOCK = threading.Lock()


@cache
def get_store(db_url: str) -> Store:
    """The store for ``db_url``, opened once per process, with the codebook themes in it."""
    return open_store(db_url)


def open_store(db_url: str) -> Store:
    """A new store for ``db_url`` whose ``themes`` table matches the codebook."""
    store = Store(db_url)
    store.sync_themes((t.id, t.name, t.definition) for t in load_themes().values())
    return store


@cache
def get_tagger(method: str | None = None) -> Tagger:
    """The tagger, loaded once per process."""
    from scrthemes.nlp.tagger import load_tagger

    return load_tagger(method=method)


def tag_text(tagger: Tagger, text: str) -> list[Mention]:
    """Tag ``text``; one text at a time, because a spaCy pipeline is not thread-safe."""
    with _TAG_LOCK:
        return tagger.tag(text)


def forget_stores() -> None:
    """Drop the cached stores (tests that delete their database files call this)."""
    get_store.cache_clear()
