"""Prometheus text-format metrics, written by hand (no client library).

Three kinds, each a family with optional labels:

* ``Counter``: only goes up; ``.labels(...).inc()``;
* ``Gauge``: set or read at scrape time from a callable (``Gauge.from_callable``);
* ``Histogram``: cumulative buckets with ``_sum`` and ``_count``.

The hot path binds a labelled child once (``packets_ok = packets.labels("egts", "0")``) and then
only adds to a float, so instrumenting costs a few hundred nanoseconds per event. ``Registry``
renders every family in exposition format 0.0.4 for ``GET /metrics``.

``IntakeMetrics`` holds the families the telemetry intake reports (connections, packets,
records, fixes, queue, latencies, database errors); listeners and the writer share one.
"""

from __future__ import annotations

import math
import os
import resource
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from typing import Final, TypeVar

CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"

#: Latency buckets in seconds: sub-millisecond to the retry scale of a database outage.
LATENCY_BUCKETS_S: Final = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025,
                            0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Fixes per transaction.
BATCH_BUCKETS: Final = (1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _labels(names: Sequence[str], values: Sequence[str], extra: str = "") -> str:
    parts = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


class _Family:
    kind: str = "untyped"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help_text
        self.labelnames = tuple(labelnames)

    def _header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]

    def render(self) -> list[str]:
        raise NotImplementedError


class CounterChild:
    """One labelled series of a counter."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1.0) -> None:
        self.value += amount


class Counter(_Family):
    """A monotonically increasing count (name should end in ``_total``)."""

    kind = "counter"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        super().__init__(name, help_text, labelnames)
        self._children: dict[tuple[str, ...], CounterChild] = {}
        if not self.labelnames:
            self._children[()] = CounterChild()

    def labels(self, *values: str) -> CounterChild:
        if len(values) != len(self.labelnames):
            raise ValueError(f"{self.name}: expected labels {self.labelnames}, got {values}")
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = CounterChild()
        return child

    def inc(self, amount: float = 1.0) -> None:
        self._children[()].inc(amount)

    def value(self, *values: str) -> float:
        child = self._children.get(values)
        return child.value if child is not None else 0.0

    def render(self) -> list[str]:
        lines = self._header()
        for values, child in sorted(self._children.items()):
            lines.append(f"{self.name}{_labels(self.labelnames, values)} {_number(child.value)}")
        return lines


class Gauge(_Family):
    """A value that goes up and down; either set directly or read from a callable at scrape."""

    kind = "gauge"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = (),
                 read: Callable[[], Iterable[tuple[tuple[str, ...], float]]] | None = None
                 ) -> None:
        super().__init__(name, help_text, labelnames)
        self._values: dict[tuple[str, ...], float] = {}
        self._read = read

    @classmethod
    def from_callable(cls, name: str, help_text: str, read: Callable[[], float]) -> Gauge:
        return cls(name, help_text, (), lambda: [((), read())])

    def set_function(self, read: Callable[[], float]) -> None:
        """Read the (unlabelled) value from ``read`` at every scrape from now on."""
        self._read = lambda: [((), read())]

    def set(self, value: float, *labels: str) -> None:
        self._values[labels] = value

    def inc(self, amount: float = 1.0, *labels: str) -> None:
        self._values[labels] = self._values.get(labels, 0.0) + amount

    def value(self, *labels: str) -> float:
        if self._read is not None:
            return dict(self._read()).get(labels, 0.0)
        return self._values.get(labels, 0.0)

    def render(self) -> list[str]:
        lines = self._header()
        items = list(self._read()) if self._read is not None else list(self._values.items())
        for values, value in sorted(items):
            lines.append(f"{self.name}{_labels(self.labelnames, values)} {_number(value)}")
        return lines


class Histogram(_Family):
    """Observations counted into fixed buckets (upper bounds, cumulative when rendered)."""

    kind = "histogram"

    def __init__(self, name: str, help_text: str, buckets: Sequence[float]) -> None:
        super().__init__(name, help_text)
        self.bounds: tuple[float, ...] = tuple(sorted(buckets))
        self.counts = [0] * (len(self.bounds) + 1)  # the last one is +Inf
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value
        self.count += 1

    def quantile(self, q: float) -> float:
        """The upper bound of the bucket holding quantile ``q`` (a coarse estimate)."""
        if not self.count:
            return 0.0
        rank = q * self.count
        seen = 0
        for bound, n in zip((*self.bounds, math.inf), self.counts, strict=True):
            seen += n
            if seen >= rank:
                return bound
        return math.inf

    def render(self) -> list[str]:
        lines = self._header()
        cumulative = 0
        for bound, n in zip((*self.bounds, math.inf), self.counts, strict=True):
            cumulative += n
            lines.append(f'{self.name}_bucket{{le="{_number(bound)}"}} {cumulative}')
        lines.append(f"{self.name}_sum {_number(self.sum)}")
        lines.append(f"{self.name}_count {self.count}")
        return lines


F = TypeVar("F", bound=_Family)


class Registry:
    """The families one process exposes, rendered in registration order."""

    def __init__(self) -> None:
        self._families: dict[str, _Family] = {}

    def add(self, family: F) -> F:
        if family.name in self._families:
            raise ValueError(f"metric {family.name} registered twice")
        self._families[family.name] = family
        return family

    def get(self, name: str) -> _Family:
        return self._families[name]

    def render(self) -> str:
        lines: list[str] = []
        for family in self._families.values():
            lines.extend(family.render())
        return "\n".join(lines) + "\n"


def _resident_bytes() -> float:
    try:
        with open("/proc/self/statm", "rb") as f:
            return float(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def _open_fds() -> float:
    try:
        return float(len(os.listdir("/proc/self/fd")))
    except OSError:
        return math.nan


class IntakeMetrics:
    """Everything the telemetry intake reports; one instance per process, shared."""

    def __init__(self, registry: Registry | None = None) -> None:
        r = self.registry = registry if registry is not None else Registry()
        self.connections = r.add(Gauge(
            "glonass_connections", "Open telemetry connections.", ("protocol",)))
        self.connections_opened = r.add(Counter(
            "glonass_connections_opened_total", "Telemetry connections accepted.", ("protocol",)))
        self.connections_refused = r.add(Counter(
            "glonass_connections_refused_total",
            "Connections refused at accept time, by reason (the caps of the telemetry listeners; "
            "a missing or untrusted PROXY header on any listener).", ("protocol", "reason")))
        self.connections_closed = r.add(Counter(
            "glonass_connections_closed_total",
            "Telemetry connections closed by the server, by reason.", ("protocol", "reason")))
        self.paused_connections = r.add(Gauge(
            "glonass_paused_connections",
            "Connections not being read (backpressure), by reason.", ("protocol", "reason")))
        self.packets = r.add(Counter(
            "glonass_packets_total",
            "Transport packets processed, by processing result code (0 = OK).",
            ("protocol", "result")))
        self.records = r.add(Counter(
            "glonass_records_total",
            "Service data records confirmed, by record result code (0 = OK).",
            ("protocol", "result")))
        self.elements_dropped = r.add(Counter(
            "glonass_elements_dropped_total",
            "Malformed optional elements left out of fixes that were stored, by element.",
            ("protocol", "element")))
        self.fixes_received = r.add(Counter(
            "glonass_fixes_received_total",
            "Fixes decoded and handed to the writer, by protocol (stored, resent or refused).",
            ("protocol",)))
        self.fixes_clock_fault = r.add(Counter(
            "glonass_fixes_clock_fault_total",
            "Fixes timed by a wrong terminal clock (stored, never credited), by fault: future "
            "(ahead of arrival by more than coverage's tolerance) or too_early (before 2010).",
            ("protocol", "fault")))
        self.fixes_stored = r.add(Counter(
            "glonass_fixes_stored_total", "Fixes committed that were new."))
        self.fixes_duplicate = r.add(Counter(
            "glonass_fixes_duplicate_total",
            "Fixes committed that were already stored (resends)."))
        self.fixes_rejected = r.add(Counter(
            "glonass_fixes_rejected_total",
            "Fixes the database refused as data (isolated from their batch, not acknowledged)."))
        self.commits = r.add(Counter(
            "glonass_commits_total", "Writer transactions committed."))
        self.database_errors = r.add(Counter(
            "glonass_database_errors_total", "Failed writer transactions, by kind.", ("kind",)))
        self.commit_seconds = r.add(Histogram(
            "glonass_commit_seconds", "Duration of one writer transaction.", LATENCY_BUCKETS_S))
        self.batch_fixes = r.add(Histogram(
            "glonass_commit_batch_fixes", "Fixes per writer transaction.", BATCH_BUCKETS))
        self.ack_seconds = r.add(Histogram(
            "glonass_ack_latency_seconds",
            "From a data packet's arrival to its acknowledgement being written (after commit).",
            LATENCY_BUCKETS_S))
        self.queue_depth = r.add(Gauge(
            "glonass_write_queue_fixes", "Fixes waiting for the writer (queued or in flight)."))
        self.queue_limit = r.add(Gauge(
            "glonass_write_queue_limit_fixes",
            "Queue depth at which every listener stops reading."))
        self.writer_paused = r.add(Gauge(
            "glonass_writer_backpressure", "1 while the write queue is full and reading paused."))
        r.add(Gauge.from_callable("process_resident_memory_bytes",
                                  "Resident set size of this process.", _resident_bytes))
        r.add(Gauge.from_callable("process_open_fds", "Open file descriptors.", _open_fds))
