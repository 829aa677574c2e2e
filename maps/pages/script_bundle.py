"""Our ES modules as one classic script, for a page opened from disk.

Browsers refuse to load modules from ``file://``, and the public map's export must open from a
folder on a disk. The modules in ``maps/static/js`` keep to a small form that makes this a
text transformation rather than a compiler's job:

- imports are ``import {a, b as c} from './x.js';``, ``import * as n from './x.js';`` or
  ``import './x.js';``, each at the start of a line;
- exports are one ``export {a, b as c};`` clause, at the start of a line.

:func:`module_graph` reads and checks that form (a test runs it on every module), and
:func:`classic_bundle` wraps each module in a function that returns its exports, in import order,
so every module runs once, before the modules that import it, as the browser would run them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from maps.assets import STATIC_DIR

__all__ = ["ModuleForm", "ScriptModule", "classic_bundle", "module_graph", "read_module"]

SCRIPTS_DIR: Final = STATIC_DIR / "js"
_SOURCE: Final = r"'\./(?P<module>\w+)\.js'"
_IMPORT: Final = re.compile(
    r"^import\s+(?:\{(?P<names>[^}]*)\}\s+from\s+|\*\s+as\s+(?P<namespace>\w+)\s+from\s+)?"
    + _SOURCE + r";[ \t]*\n", re.M)
_EXPORT: Final = re.compile(r"^export\s*\{(?P<names>[^}]*)\};[ \t]*\n", re.M)
_MODULE_KEYWORD: Final = re.compile(r"^(?:import|export)\b", re.M)
_NAME: Final = re.compile(r"^(?P<name>\w+)(?:\s+as\s+(?P<alias>\w+))?$")


class ModuleForm(ValueError):
    """A module outside the form the bundler reads; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement: from which module, and the local names it binds.

    ``bindings`` maps a local name to the exported name it reads; ``namespace`` is the local
    name of ``import * as``.
    """

    module: str
    bindings: Mapping[str, str]
    namespace: str | None


@dataclass(frozen=True, slots=True)
class ScriptModule:
    """A module's body without its import and export statements, and what those said."""

    name: str
    body: str
    imports: tuple[Import, ...]
    exports: Mapping[str, str]  # exported name -> local name


def _pairs(names: str, where: str) -> list[tuple[str, str]]:
    """``a, b as c`` as (a, a), (b, c); a trailing comma and line breaks allowed."""
    out = []
    for item in (part.strip() for part in names.split(",")):
        if not item:
            continue
        match = _NAME.match(item)
        if match is None:
            raise ModuleForm(f"{where}: cannot read {item!r}")
        out.append((match["name"], match["alias"] or match["name"]))
    return out


def read_module(name: str, source: str) -> ScriptModule:
    """Split a module's ``source`` into its body, imports and exports."""

    def line_of(offset: int) -> str:
        return f"{name}.js:{source.count(chr(10), 0, offset) + 1}"

    imports = [Import(m["module"],
                      {local: exported for exported, local in _pairs(m["names"] or "",
                                                                     line_of(m.start()))},
                      m["namespace"])
               for m in _IMPORT.finditer(source)]
    exports_found = list(_EXPORT.finditer(source))
    if len(exports_found) > 1:
        raise ModuleForm(f"{line_of(exports_found[1].start())}: a second export clause")
    exports = {exported: local for m in exports_found
               for local, exported in _pairs(m["names"], line_of(m.start()))}
    body = _EXPORT.sub("", _IMPORT.sub("", source))
    stray = _MODULE_KEYWORD.search(body)
    if stray is not None:
        line = body[stray.start():].split("\n", 1)[0]
        raise ModuleForm(f"{name}.js: an import or export the bundler cannot read: {line!r}")
    return ScriptModule(name, body, tuple(imports), exports)


def module_graph(entry: str, scripts_dir: Path = SCRIPTS_DIR) -> list[ScriptModule]:
    """``entry`` and every module it imports, each once, a module after all it imports.

    Raises :class:`ModuleForm` for a missing file, a name a module does not export, or an
    import cycle.
    """
    ordered: list[ScriptModule] = []
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            raise ModuleForm(f"import cycle: {' -> '.join((*path, name))}")
        file = scripts_dir / f"{name}.js"
        if not file.is_file():
            raise ModuleForm(f"{path[-1]}.js imports {name}.js, which is missing" if path
                             else f"{name}.js is missing")
        module = read_module(name, file.read_text(encoding="utf-8"))
        for imp in module.imports:
            visit(imp.module, (*path, name))
        for imp in module.imports:
            exported = next(m for m in ordered if m.name == imp.module).exports
            missing = sorted(set(imp.bindings.values()) - set(exported))
            if missing:
                raise ModuleForm(f"{name}.js imports {', '.join(missing)} from "
                                 f"{imp.module}.js, which does not export it")
        done.add(name)
        ordered.append(module)

    visit(entry, ())
    return ordered


def _module_variable(name: str) -> str:
    return f"module_{name}"


def classic_bundle(entry: str, scripts_dir: Path = SCRIPTS_DIR) -> str:
    """One strict classic script that runs ``entry`` and its imports as the browser would."""
    parts = ["(function () {", "'use strict';"]
    for module in module_graph(entry, scripts_dir):
        bindings = []
        for imp in module.imports:
            source = _module_variable(imp.module)
            if imp.namespace:
                bindings.append(f"var {imp.namespace} = {source};")
            bindings.extend(f"var {local} = {source}.{exported};"
                            for local, exported in imp.bindings.items())
        exports = ", ".join(f"{exported}: {local}" for exported, local in module.exports.items())
        parts += [f"var {_module_variable(module.name)} = (function () {{", *bindings,
                  module.body.rstrip("\n"), f"return {{{exports}}};", "}());"]
    parts.append("}());")
    bundle = "\n".join(parts) + "\n"
    if "</script" in bundle.lower():
        raise ModuleForm("a module contains '</script', which would end the inline script")
    return bundle
