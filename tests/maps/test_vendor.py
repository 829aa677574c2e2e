"""maps.vendor without npm: CSS reference following, Glyphicons extraction, the copy itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import maps.vendor as vendor_mod
from maps.assets import VendoredAsset
from maps.vendor import VendorError, awesome_rotate_css, css_references, extract_glyphicons


def test_css_references_strip_queries_and_skip_data_uris() -> None:
    """Font URLs lose ?#iefix and #fragment, data: URIs are not files, duplicates collapse."""
    css = """
      @font-face { src: url("../fonts/g.eot"); src: url('../fonts/g.eot?#iefix') format("x"),
                   url(../fonts/g.svg#name) format("svg"); }
      .a { background: url(data:image/png;base64,AAAA) }
      .b { background-image: url( images/b@2x.png ) }
    """
    assert css_references(css) == ["../fonts/g.eot", "../fonts/g.svg", "images/b@2x.png"]


@pytest.mark.parametrize(
    "css",
    ['.a{background:url("https://cdn.example/a.png")}', ".a{background:url(//x/a.png)}",
     ".a{background:url(/abs.png)}", '@import "other.css";'],
)
def test_css_references_refuse_what_leaves_the_package(css: str) -> None:
    """Absolute URLs and @import would make the copy incomplete, so they are errors."""
    with pytest.raises(VendorError):
        css_references(css)


def test_extract_glyphicons_keeps_only_icon_rules() -> None:
    """The font face and .glyphicon* rules survive; the rest of Bootstrap 3 does not."""
    css = """/*! Bootstrap */
      html { font-family: sans-serif; }
      @font-face { font-family: "Glyphicons Halflings"; src: url("../fonts/g.woff2"); }
      @font-face { font-family: "Other"; src: url("../fonts/o.woff2"); }
      .glyphicon { font-family: "Glyphicons Halflings"; }
      .glyphicon-euro:before,
      .glyphicon-eur:before { content: "\\20ac"; }
      .carousel-control .glyphicon-chevron-left { left: 50%; }
      @media (min-width: 768px) { .glyphicon { top: 2px; } }
    """
    out = extract_glyphicons(css)
    assert "Glyphicons Halflings" in out and ".glyphicon-eur:before" in out
    assert "html" not in out and "Other" not in out
    assert "carousel" not in out and "@media" not in out
    assert css_references(out) == ["../fonts/g.woff2"]


def test_extract_glyphicons_fails_on_unrelated_css() -> None:
    """A stylesheet without Glyphicons means the wrong file was pinned."""
    with pytest.raises(VendorError):
        extract_glyphicons("body { margin: 0 }")


def test_awesome_rotate_covers_every_degree() -> None:
    """folium.Icon(angle=n) works for any whole degree."""
    css = awesome_rotate_css()
    assert ".awesome-marker .fa-rotate-0{transform:rotate(0deg)}" in css
    assert ".fa-rotate-359{transform:rotate(359deg)}" in css
    assert css.count("transform:rotate(") == 360


def _package(root: Path, name: str, version: str, files: dict[str, str]) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({"name": name, "version": version}))
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def test_vendor_copies_entry_files_what_css_loads_and_licences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only listed files, their CSS dependencies and licences land; stale files disappear."""
    modules = tmp_path / "node_modules"
    _package(modules, "lib", "1.2.3", {
        "LICENSE": "MIT",
        "dist/lib.js": "js",
        "dist/lib.css": '.x{background:url("img/x.png")}',
        "dist/img/x.png": "png",
        "dist/img/unused.png": "png",
        "src/lib.ts": "ts",
    })
    monkeypatch.setattr(vendor_mod, "ASSETS", (
        VendoredAsset("https://cdn.example/lib@1.2.3/lib.js", "lib", "dist/lib.js",
                      "lib/dist/lib.js"),
        VendoredAsset("https://cdn.example/lib@1.2.3/lib.css", "lib", "dist/lib.css",
                      "lib/dist/lib.css"),
    ))
    monkeypatch.setattr(vendor_mod, "_EXTRA_FILES", ())
    out = tmp_path / "static" / "vendor"
    (out / "old").mkdir(parents=True)
    (out / "old" / "stale.js").write_text("stale")

    files = vendor_mod.vendor(modules, out)

    assert set(files) == {"lib/dist/lib.js", "lib/dist/lib.css", "lib/dist/img/x.png",
                          "lib/LICENSE"}
    assert not (out / "old").exists()
    manifest = json.loads((out / vendor_mod.MANIFEST).read_text())
    assert manifest["lib/dist/img/x.png"]["from"] == "lib@1.2.3/dist/img/x.png"
    assert sorted(p.name for p in tmp_path.joinpath("static").iterdir()) == ["vendor"]


def test_vendor_refuses_a_package_without_licence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """We do not ship third-party code whose terms we cannot point to; the old tree stays."""
    modules = tmp_path / "node_modules"
    _package(modules, "lib", "1.0.0", {"lib.js": "js"})
    monkeypatch.setattr(vendor_mod, "ASSETS", (
        VendoredAsset("https://cdn.example/lib.js", "lib", "lib.js", "lib/lib.js"),
    ))
    monkeypatch.setattr(vendor_mod, "_EXTRA_FILES", ())
    out = tmp_path / "vendor"
    (out / "keep").mkdir(parents=True)
    with pytest.raises(VendorError, match="licence"):
        vendor_mod.vendor(modules, out)
    assert (out / "keep").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["node_modules", "vendor"]
