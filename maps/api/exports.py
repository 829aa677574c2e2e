"""Tracks to files: GPX 1.1 for GIS tools and navigators, CSV for spreadsheets.

GPX keeps UTC times with an offset (ISO 8601), as GIS tools expect; the CSV is for a Russian
spreadsheet: the city's local times, decimal commas, Russian headers. Coordinates keep seven
decimals (≈1 cm).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from dispatch.local_time import local_text
from dispatch.sheets import decimal, sheet_csv
from dispatch.tracks import TrackFix

CSV_HEADERS: Final = ("Время", "Широта", "Долгота", "Скорость, км/ч", "Курс, °", "Достоверна",
                      "Входы", "Из чёрного ящика", "Спутников", "HDOP")


def track_csv(fixes: Sequence[TrackFix], zone: tzinfo) -> str:
    """One row per fix, in the order of the track."""
    return sheet_csv(CSV_HEADERS, ((
        local_text(f.fix_time, zone, seconds=True), decimal(f.latitude, 7),
        decimal(f.longitude, 7), decimal(f.speed_kmh, 1), decimal(f.course_deg, 0),
        f.valid, f.inputs, f.black_box, f.satellites,
        None if f.hdop is None else decimal(f.hdop, 1)) for f in fixes))


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
