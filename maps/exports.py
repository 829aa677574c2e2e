"""Tracks to files: GPX 1.1 for GIS tools and navigators, CSV for spreadsheets.

Times are written in UTC with an offset (ISO 8601); coordinates keep seven decimals (≈1 cm).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from dispatch.tracks import TrackFix

CSV_COLUMNS = ("time", "latitude", "longitude", "speed_kmh", "course_deg", "valid", "inputs",
               "black_box", "satellites", "hdop")


def track_csv(fixes: Sequence[TrackFix]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in fixes:
        writer.writerow((f.fix_time.isoformat(), f"{f.latitude:.7f}", f"{f.longitude:.7f}",
                         f"{f.speed_kmh:.1f}", f"{f.course_deg:.0f}", int(f.valid),
                         "" if f.inputs is None else f.inputs, int(f.black_box),
                         "" if f.satellites is None else f.satellites,
                         "" if f.hdop is None else f"{f.hdop:.1f}"))
    return out.getvalue()


def track_gpx(name: str, segments: Sequence[Sequence[TrackFix]]) -> str:
    """One <trk> with a <trkseg> per unbroken stretch (gaps stay gaps)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<gpx version="1.1" creator="glonass-dispatch" '
             'xmlns="http://www.topografix.com/GPX/1/1">',
             f"<trk><name>{escape(name)}</name>"]
    for segment in segments:
        parts.append("<trkseg>")
        for f in segment:
            parts.append(f"<trkpt lat={quoteattr(f'{f.latitude:.7f}')} "
                         f"lon={quoteattr(f'{f.longitude:.7f}')}>"
                         f"<time>{f.fix_time.isoformat()}</time>"
                         + (f"<sat>{f.satellites}</sat>" if f.satellites is not None else "")
                         + (f"<hdop>{f.hdop:.1f}</hdop>" if f.hdop is not None else "")
                         + "</trkpt>")
        parts.append("</trkseg>")
    parts.append("</trk></gpx>")
    return "\n".join(parts) + "\n"
