"""Run by the wheel-install test with the clean virtualenv's interpreter (``python -I``).

It imports every module the installed distribution lists in its RECORD and asks the packages for
their data the way the server does, then writes what it found as one JSON object on stdout. It
lives outside the packages so that nothing of the source checkout is needed to run it.
"""

from __future__ import annotations

import importlib
import json
import sys
import sysconfig
from importlib import metadata
from pathlib import Path, PurePosixPath

DISTRIBUTION = "glonass-dispatch"


def _module_name(path: PurePosixPath) -> str:
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _data() -> dict[str, object]:
    from db.migrate import available
    from dispatch.demo_city import demo_bus_lines, demo_marks, demo_routes
    from maps.assets import ASSETS, STATIC_DIR, VENDOR_DIR

    return {
        "migrations": [m.name for m in available()],
        "demo_sizes": [len(demo_routes()), len(demo_marks()), len(demo_bus_lines())],
        "static_dir": str(STATIC_DIR.resolve()),
        "missing_assets": [a.target for a in ASSETS if not (VENDOR_DIR / a.target).is_file()],
    }


def _egts_implementation() -> str:
    from egts_server.codec.egts.kernels import ACTIVE

    return ACTIVE.name


def main() -> None:
    files = metadata.files(DISTRIBUTION) or []
    names = sorted(_module_name(PurePosixPath(str(f))) for f in files if str(f).endswith(".py"))
    origins: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in names:
        try:
            module = importlib.import_module(name)
        except Exception as error:  # reported, so that one test names every broken import
            errors[name] = f"{type(error).__name__}: {error}"
        else:
            origins[name] = str(Path(str(module.__file__)).resolve())
    try:
        data: dict[str, object] = _data()
    except Exception as error:  # reported like the imports
        data = {"error": f"{type(error).__name__}: {error}"}
    json.dump({
        "site_packages": str(Path(sysconfig.get_path("purelib")).resolve()),
        "sys_path": sys.path,
        "modules": origins,
        "import_errors": errors,
        "data": data,
        "egts_implementation": _egts_implementation(),
    }, sys.stdout)


if __name__ == "__main__":
    main()
