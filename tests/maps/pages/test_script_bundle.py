"""The bundler that turns our ES modules into one classic script for a page opened from disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from maps.pages.script_bundle import ModuleForm, classic_bundle, module_graph, read_module


def write(folder: Path, **modules: str) -> Path:
    for name, source in modules.items():
        (folder / f"{name}.js").write_text(source, encoding="utf-8")
    return folder


def test_read_module_splits_imports_exports_and_body() -> None:
    module = read_module("page", (
        "import * as P from './pages.js';\n"
        "import {el, own as has} from './dom.js';\n"
        "import {\n  a,\n  b,\n} from './many.js';\n"
        "import './side.js';\n"
        "var x = 1;\n"
        "export {x, x as y};\n"))
    assert [(i.module, dict(i.bindings), i.namespace) for i in module.imports] == [
        ("pages", {}, "P"), ("dom", {"el": "el", "has": "own"}, None),
        ("many", {"a": "a", "b": "b"}, None), ("side", {}, None)]
    assert dict(module.exports) == {"x": "x", "y": "x"}
    assert module.body == "var x = 1;\n"


@pytest.mark.parametrize(("source", "message"), [
    ("export function f() {}\n", "an import or export the bundler cannot read"),
    ("import x from './dom.js';\n", "an import or export the bundler cannot read"),
    ("export {a};\nexport {b};\n", "page.js:2: a second export clause"),
    ("import {a-b} from './dom.js';\n", "page.js:1: cannot read 'a-b'"),
])
def test_other_forms_are_refused_naming_the_file(source: str, message: str) -> None:
    with pytest.raises(ModuleForm, match=message):
        read_module("page", source)


def test_graph_orders_each_module_once_after_its_imports(tmp_path: Path) -> None:
    folder = write(tmp_path,
                   dom="export {el};\nfunction el() {}\n",
                   pages="import {el} from './dom.js';\nexport {el};\n",
                   page="import * as P from './pages.js';\nimport {el} from './dom.js';\n")
    assert [m.name for m in module_graph("page", folder)] == ["dom", "pages", "page"]


@pytest.mark.parametrize(("modules", "message"), [
    ({"page": "import './gone.js';\n"}, "page.js imports gone.js, which is missing"),
    ({"page": "import {nope} from './dom.js';\n", "dom": "export {el};\n"},
     "page.js imports nope from dom.js, which does not export it"),
    ({"page": "import './a.js';\n", "a": "import './page.js';\n"},
     "import cycle: page -> a -> page"),
])
def test_broken_graphs_are_refused(tmp_path: Path, modules: dict[str, str],
                                   message: str) -> None:
    with pytest.raises(ModuleForm, match=message):
        module_graph("page", write(tmp_path, **modules))


def test_bundle_runs_modules_in_order_and_binds_their_exports(tmp_path: Path) -> None:
    folder = write(tmp_path,
                   dom="function el() {}\nexport {el};\n",
                   page="import * as P from './dom.js';\nimport {el as make} from './dom.js';\n"
                        "make();\n")
    assert classic_bundle("page", folder) == (
        "(function () {\n'use strict';\n"
        "var module_dom = (function () {\nfunction el() {}\nreturn {el: el};\n}());\n"
        "var module_page = (function () {\nvar P = module_dom;\nvar make = module_dom.el;\n"
        "make();\nreturn {};\n}());\n"
        "}());\n")


def test_a_closing_script_tag_in_a_module_is_refused(tmp_path: Path) -> None:
    folder = write(tmp_path, page="var s = '</script>';\n")
    with pytest.raises(ModuleForm, match="would end the inline script"):
        classic_bundle("page", folder)
