"""``glonass-dispatch maps export``: the city's public map as static files that open from disk."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from egts_server.cli.output import check_output_dir
from egts_server.config import Settings
from egts_server.database import connect


def add_maps_command(sub: Any) -> None:
    maps_cmd = sub.add_parser("maps", help="map exports")
    maps_sub = maps_cmd.add_subparsers(dest="action", required=True)
    export = maps_sub.add_parser("export", help="write the public city-site map (static files)")
    export.add_argument("directory", help="where to write index.html, data/ and vendor/")
    maps_cmd.set_defaults(func=cmd_maps)


def cmd_maps(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from egts_server.cli.dispatch import _Progress, compute_from_db
    from maps.api.public_export import export_public_site
    from maps.api.public_site import PublicOptions, public_map_document, read_public_parts

    check_output_dir(args.directory, "maps export")
    public = settings.public
    options = PublicOptions(public.vehicle_delay_s, public.coordinate_decimals,
                            public.band_hours, public.service_window_h, public.refresh_s,
                            ZoneInfo(settings.site.time_zone))
    now = datetime.now(UTC)
    with connect(settings) as conn, conn.cursor() as cur:
        parts = read_public_parts(cur, now, public.vehicle_delay_s)
    coverage = compute_from_db(settings, now - timedelta(hours=public.service_window_h), now,
                               None, _Progress(quiet=True))
    document = public_map_document(now, options, parts, coverage)
    written = export_public_site(
        Path(args.directory), document, options.bands, delay_s=public.vehicle_delay_s,
        decimals=public.coordinate_decimals, center=(settings.map.center_lat,
                                                     settings.map.center_lon),
        zoom=settings.map.zoom, tile_url=settings.map.tile_url or None)
    lines = document["routes"]["features"]
    served = sum(1 for f in lines if f["properties"]["band"] != "never")
    print(f"public site written to {args.directory}: {len(parts[0])} vehicles, "
          f"{len(coverage.routes)} routes ({served} of {len(lines)} stretches served within "
          f"{public.service_window_h:g} h), {len(parts[1])} public marks "
          f"({len(written)} files + static/)")
    return 0
