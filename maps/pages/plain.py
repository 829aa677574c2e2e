"""Plain pages without a map (sign-in, refusals): one card in the site's colours, in Russian."""

from __future__ import annotations

import html

from maps.pages.chrome import BRAND


def plain_page(title: str, body_html: str, *, back_link: bool = True) -> bytes:
    """A whole page; ``body_html`` must already be escaped."""
    back = '<p class="back"><a href="/">← На карту</a></p>' if back_link else ""
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · {BRAND}</title>
<link rel="icon" href="/static/img/favicon.svg"><link rel="stylesheet" href="/static/css/pages.css">
</head><body><main class="card"><p class="brand">{BRAND}</p>
<h1>{html.escape(title)}</h1>{body_html}{back}</main></body></html>""".encode()
