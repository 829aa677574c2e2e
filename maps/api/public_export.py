"""``maps export DIR``: the city's public map as static files that open from disk.

The page is the served ``/public/`` page (:mod:`maps.pages.public_map`) with the document embedded,
because a browser refuses to fetch files next to a page opened as ``file://``, and with its
assets linked relatively from a copy of ``maps/static`` under ``static/``. The same layers go to
``data/*.geojson`` for the city website's other uses. Nothing here reads the database: the
document (built by :mod:`maps.api.public_layers` from whitelists) is all that leaves.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from maps.api.public_layers import ServiceBand
from maps.assets import STATIC_DIR
from maps.pages.public_map import render_public_map

__all__ = ["export_public_site"]

LAYERS = ("routes", "vehicles", "marks")


def export_public_site(target: Path, document: Mapping[str, Any],
                       bands: Sequence[ServiceBand], **page_options: Any) -> list[Path]:
    """Write ``index.html``, ``data/`` and ``static/`` into ``target``; return the files written
    (not counting ``static/``). ``page_options`` as for
    :func:`maps.pages.public_map.build_public_map`."""
    target.mkdir(parents=True, exist_ok=True)
    static = target / "static"
    if static.exists():
        shutil.rmtree(static)
    shutil.copytree(STATIC_DIR, static)
    index = target / "index.html"
    index.write_text(render_public_map(bands, document=document, asset_prefix="static",
                                       **page_options), encoding="utf-8")
    written = [index]
    (target / "data").mkdir(exist_ok=True)
    for name in LAYERS:
        path = target / "data" / f"{name}.geojson"
        path.write_text(json.dumps(document[name], ensure_ascii=False), encoding="utf-8")
        written.append(path)
    return written
