"""Hand-written Prometheus exposition: counters, gauges, histograms, and the intake's families
as /metrics serves them."""

from __future__ import annotations

from twisted.internet.address import IPv4Address
from twisted.web.test.requesthelper import DummyRequest

from egts_server.metrics import Counter, Gauge, Histogram, IntakeMetrics, Registry
from maps.metrics import MetricsResource


def test_families_render_in_the_text_format() -> None:
    """HELP/TYPE lines, sorted label sets, escaped label values and integral numbers."""
    r = Registry()
    c = r.add(Counter("x_total", "Things.", ("kind",)))
    c.labels("b").inc(2)
    c.labels('a"\\').inc(0.5)
    g = r.add(Gauge("depth", "Depth."))
    g.set(7)
    assert r.render() == (
        "# HELP x_total Things.\n# TYPE x_total counter\n"
        'x_total{kind="a\\"\\\\"} 0.5\nx_total{kind="b"} 2\n'
        "# HELP depth Depth.\n# TYPE depth gauge\ndepth 7\n")


def test_histogram_buckets_are_cumulative_with_sum_and_count() -> None:
    """Each bucket counts observations at or below its bound; +Inf equals the count."""
    h = Histogram("lat_seconds", "Latency.", (0.01, 0.1))
    for value in (0.005, 0.01, 0.05, 3.0):
        h.observe(value)
    assert h.render()[2:] == [
        'lat_seconds_bucket{le="0.01"} 2', 'lat_seconds_bucket{le="0.1"} 3',
        'lat_seconds_bucket{le="+Inf"} 4', "lat_seconds_sum 3.065", "lat_seconds_count 4"]
    assert h.quantile(0.5) == 0.01 and h.quantile(0.99) == float("inf")


def test_gauge_read_at_scrape_time() -> None:
    """A gauge bound to a function shows the value current when scraped."""
    depth = [3]
    g = Gauge("q", "Queue.")
    g.set_function(lambda: float(depth[0]))
    depth[0] = 5
    assert g.render()[-1] == "q 5"


def test_metrics_page_serves_the_registry_as_text() -> None:
    """GET /metrics answers the intake's families with Prometheus' content type."""
    metrics = IntakeMetrics()
    metrics.packets.labels("egts", "0").inc(3)
    request = DummyRequest([b""])
    request.client = IPv4Address("TCP", "127.0.0.1", 40000)
    body = MetricsResource(metrics.registry.render).render_GET(request)
    assert request.responseHeaders.getRawHeaders(b"content-type") == [
        b"text/plain; version=0.0.4; charset=utf-8"]
    text = body.decode()
    assert 'glonass_packets_total{protocol="egts",result="0"} 3' in text
    assert "# TYPE glonass_ack_latency_seconds histogram" in text
    assert "process_resident_memory_bytes" in text
