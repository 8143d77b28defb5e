"""prefect.yaml describes loadable flows, a valid trigger on our event, and valid schedules;
the triggered flows really re-run and refresh the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from prefect.flows import load_flow_from_entrypoint
from scrthemes.flows.events import REVIEW_ADDED, emit_review_added, review_resource
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
EXPECTED = {
    "add-review": "ingest-review",
    "rerun-after-review": "rerun-after-review",
    "scheduled-rerun": "scheduled-rerun",
    "watch-inbox": "watch-inbox",
}


@pytest.fixture(scope="module")
def deployments() -> dict[str, dict]:
    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    return {d["name"]: d for d in config["deployments"]}


def test_every_deployment_loads_its_flow_and_knows_its_parameters(deployments):
    assert set(deployments) == set(EXPECTED)
    for name, spec in deployments.items():
        flow = load_flow_from_entrypoint(str(REPO / spec["entrypoint"]))
        assert flow.name == EXPECTED[name]
        known = set(flow.parameters.properties)
        assert set(spec.get("parameters") or {}) <= known, name
        assert spec["work_pool"]["name"] == "scrthemes-local"
    add = load_flow_from_entrypoint(str(REPO / deployments["add-review"]["entrypoint"]))
    assert {"path", "title", "year", "area", "child"} <= set(add.parameters.properties)
    assert "path" in add.parameters.required


def test_rerun_trigger_follows_the_review_added_event(deployments):
    from prefect.events.schemas.deployment_triggers import DeploymentTriggerTypes
    from pydantic import TypeAdapter

    (spec,) = deployments["rerun-after-review"]["triggers"]
    trigger = TypeAdapter(DeploymentTriggerTypes).validate_python(spec)
    assert trigger.expect == {REVIEW_ADDED}
    assert trigger.posture == "Reactive" and trigger.threshold == 1
    # The resource pattern matches the resource our event names.
    pattern = spec["match"]["prefect.resource.id"]
    assert pattern.endswith("*")
    assert review_resource(42)["prefect.resource.id"].startswith(pattern[:-1])
    # A single-expression template keeps the payload's type (an int), which
    # Prefect checks against the flow's `review_id: int` when it starts the run.
    assert spec["parameters"] == {"review_id": "{{ event.payload.review_id }}"}


def test_schedules_are_valid(deployments):
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule

    (monthly,) = deployments["scheduled-rerun"]["schedules"]
    cron = CronSchedule(cron=monthly["cron"], timezone=monthly["timezone"])
    assert cron.cron.split()[2:4] == ["1", "*"]  # day 1 of every month
    (every,) = deployments["watch-inbox"]["schedules"]
    assert IntervalSchedule(interval=every["interval"]).interval.total_seconds() == 60


def test_pull_step_sets_the_working_directory():
    config = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (step,) = config["pull"]
    assert "prefect.deployments.steps.set_working_directory" in step


def test_event_names_the_review_and_carries_no_text(prefect_harness):
    event = emit_review_added(7, sha256="ab" * 32, pipeline_version="v1")
    assert event is not None
    assert event.event == REVIEW_ADDED
    assert event.resource.id == "scrthemes.review.7"
    assert event.payload == {"review_id": 7, "new": True, "sha256": "ab" * 32,
                             "pipeline_version": "v1"}


def test_only_new_reviews_are_announced(monkeypatch):
    from scrthemes.flows import events
    from scrthemes.flows.ingest import ReviewOutcome

    sent = []
    monkeypatch.setattr(events, "emit_event", lambda name, **kw: sent.append((name, kw)))
    outcomes = [
        ReviewOutcome(path="a.pdf", status="added", review_id=1),
        ReviewOutcome(path="b.pdf", status="new_version", review_id=2, previous_id=1),
        ReviewOutcome(path="c.pdf", status="unchanged", review_id=3),
        ReviewOutcome(path="d.pdf", status="failed", error="d.pdf: not a PDF"),
    ]
    assert [events.announce(o) for o in outcomes] == outcomes
    assert [(name, kw["payload"]) for name, kw in sent] == [
        (REVIEW_ADDED, {"review_id": 1, "new": True}),
        (REVIEW_ADDED, {"review_id": 2, "new": False}),
    ]


def test_triggered_flows_rerun_and_write_the_report(prefect_harness, tmp_path):
    from scrthemes.corpus.samples import generate_samples
    from scrthemes.flows.ingest import ingest_review
    from scrthemes.flows.triggers import rerun_after_review, scheduled_rerun

    samples = tmp_path / "samples"
    info = min(generate_samples(samples), key=lambda i: i.pages)
    pdf = tmp_path / info.file
    shutil.copy(samples / info.file, pdf)
    db_url = f"sqlite:///{tmp_path / 'runs.db'}"
    added = ingest_review(pdf, db_url)
    assert added.status == "added", added.error

    after = rerun_after_review(review_id=added.review_id, db_url=db_url,
                               report_dir=str(tmp_path / "report"))
    assert after["review_id"] == added.review_id
    assert after["rerun"]["retagged"] == []  # just tagged by this pipeline: nothing to redo
    assert Path(after["report"]).name == "index.html" and Path(after["report"]).stat().st_size > 0

    forced = scheduled_rerun(db_url=db_url, force=True)
    assert forced["rerun"]["retagged"] == [added.review_id]
    assert forced["report"] is None  # no report folder configured

    engine = create_engine(db_url)
    with engine.connect() as con:
        runs = con.execute(text("SELECT kind, status FROM runs ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in runs][-2:] == [("rerun", "completed"), ("rerun", "completed")]
