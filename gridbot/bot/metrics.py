"""Prometheus metrics (`/metrics`): one registry per application, so tests can build many."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from gridbot.storage.models.events import Event, OutboxMessage


class _StoreCollector(Collector):
    """Figures read from the store at scrape time: events by status, outbox depth by state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        events = GaugeMetricFamily("gridbot_events", "Events by status", labels=["status"])
        outbox = GaugeMetricFamily("gridbot_outbox_messages", "Outbox messages by state", labels=["state"])
        with Session(self.engine) as session:
            for status, count in session.exec(select(Event.status, func.count()).group_by(Event.status)).all():
                events.add_metric([status], count)
            for state, count in session.exec(
                select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
            ).all():
                outbox.add_metric([state], count)
        yield events
        yield outbox


class Metrics:
    def __init__(self, engine: Engine | None = None) -> None:
        self.registry = CollectorRegistry()
        self.messages_in = Counter(
            "gridbot_messages_in", "Incoming messages stored", ["channel"], registry=self.registry
        )
        self.duplicates = Counter(
            "gridbot_duplicate_messages",
            "Incoming messages already stored (platform retries)",
            ["channel"],
            registry=self.registry,
        )
        self.sent = Counter("gridbot_messages_sent", "Outbox messages delivered", ["channel"], registry=self.registry)
        self.send_failures = Counter(
            "gridbot_send_failures", "Failed delivery attempts", ["channel", "kind"], registry=self.registry
        )
        self.photos = Counter(
            "gridbot_photos", "Images fetched from incoming messages, by outcome", ["state"], registry=self.registry
        )
        self.latency = Histogram(
            "gridbot_processing_seconds", "Time to process one incoming message", registry=self.registry
        )
        if engine is not None:
            self.registry.register(_StoreCollector(engine))
