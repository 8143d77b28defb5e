"""The Prefect event a stored review emits, which the ``rerun-after-review`` deployment follows.

The event names the review by id only. It never carries review text, titles or
the database URL (which may hold a password): the triggered flow reads the
database it is configured for (``SCRTHEMES_DB_URL`` in the worker's environment).
"""

from __future__ import annotations

from typing import TypeVar

from scrthemes.flows import settings  # noqa: F401  (environment before Prefect)

# isort: split
from prefect.events import emit_event
from prefect.events.schemas.events import Event

REVIEW_ADDED = "scrthemes.review.added"
"""Event name; ``prefect.yaml`` matches it in the ``rerun-after-review`` trigger."""

RESOURCE_PREFIX = "scrthemes.review."


def review_resource(review_id: int) -> dict[str, str]:
    """The Prefect resource that stands for one stored review.

    Parameters
    ----------
    review_id
        Primary key of the review in the store.

    Returns
    -------
    dict
        ``prefect.resource.id`` is ``scrthemes.review.<id>``; the id is also a
        label of its own so automations can template it.
    """
    return {
        "prefect.resource.id": f"{RESOURCE_PREFIX}{review_id}",
        "prefect.resource.name": f"review {review_id}",
        "scrthemes.review.id": str(review_id),
    }


def emit_review_added(
    review_id: int,
    *,
    sha256: str | None = None,
    pipeline_version: str | None = None,
    new: bool = True,
) -> Event | None:
    """Tell Prefect that review ``review_id`` was stored (call it after the commit).

    Parameters
    ----------
    review_id
        Primary key of the stored review.
    sha256
        Content hash of the PDF, so subscribers can tell re-sends apart.
    pipeline_version
        Tagger version the review was tagged with.
    new
        ``False`` when the review was already stored and was only re-tagged.

    Returns
    -------
    Event or None
        The event sent, or ``None`` when no Prefect API is configured (a plain
        local run with events switched off).
    """
    payload: dict[str, object] = {"review_id": review_id, "new": new}
    if sha256 is not None:
        payload["sha256"] = sha256
    if pipeline_version is not None:
        payload["pipeline_version"] = pipeline_version
    return emit_event(REVIEW_ADDED, resource=review_resource(review_id), payload=payload)


NEW_STATUSES = frozenset({"added", "new_version"})
"""Ingest outcomes that put a review into the store that was not there before."""

_O = TypeVar("_O")


def announce(outcome: _O) -> _O:
    """Emit :data:`REVIEW_ADDED` if ``outcome`` stored a new review or version; return it unchanged.

    Parameters
    ----------
    outcome
        An ingest outcome with ``status`` and ``review_id`` attributes (the
        flows' ``ReviewOutcome``). Unchanged files and failures emit nothing.

    Returns
    -------
    object
        ``outcome`` itself, so the call can wrap a ``return``.
    """
    status = getattr(outcome, "status", None)
    review_id = getattr(outcome, "review_id", None)
    if status in NEW_STATUSES and review_id is not None:
        emit_review_added(int(review_id), new=status == "added")
    return outcome
