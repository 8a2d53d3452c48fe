"""The package's modules talk to each other through public names only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import rehire_model as rm

PACKAGE = Path(rm.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _names_defined(tree: ast.Module) -> set[str]:
    """Functions, classes and attributes a module defines (its own private names)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
    return names


def _is_module(package: Path, dotted: str) -> bool:
    path = package.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported_package(path: Path, node: ast.ImportFrom) -> Path:
    """The folder a relative ``from .x import y`` looks in."""
    folder = path.parent
    for _ in range(node.level - 1):
        folder = folder.parent
    for part in (node.module or "").split(".") if node.module else []:
        folder = folder / part
    return folder


def private_uses(path: Path) -> list[str]:
    """``file:line: what`` for each private name of another module that ``path`` uses.

    A private name is one with a leading underscore. Importing a private *module* of
    the same package is allowed (that is what private helper modules are for);
    importing a private function, class or constant of another module is not, nor is
    reading a private attribute of an object (``model._arrays``) unless the module
    itself defines that name.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _names_defined(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            folder = _imported_package(path, node)
            for alias in node.names:
                if _private(alias.name) and not _is_module(folder, alias.name):
                    found.append(f"{path.name}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if node.attr not in own:
                found.append(f"{path.name}:{node.lineno}: uses {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_uses_another_modules_private_names(path):
    assert private_uses(path) == []


def test_the_check_finds_private_names(tmp_path):
    (tmp_path / "helpers.py").write_text("def _secret():\n    pass\n", encoding="utf-8")
    (tmp_path / "_tools.py").write_text("", encoding="utf-8")
    user = tmp_path / "user.py"
    user.write_text("from . import _tools\nfrom .helpers import _secret\n"
                    "def score(model):\n    return model._arrays(_secret())\n",
                    encoding="utf-8")
    assert private_uses(user) == ["user.py:2: imports _secret",
                                  "user.py:4: uses model._arrays"]


def test_public_names_are_exported_once():
    assert len(rm.__all__) == len(set(rm.__all__))
    for name in rm.__all__:
        assert hasattr(rm, name), name


def test_every_name_the_readme_uses_is_exported():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\brm\.([A-Za-z_]\w*)", readme))
    assert used and used - {"survey"} <= set(rm.__all__), sorted(used - set(rm.__all__))
    for name in ("score_file", "write_report", "draft_config", "save_model", "InputError"):
        assert name in rm.__all__, name


def test_every_exception_is_defined_in_one_module():
    for path in MODULES:
        if path.name == "exceptions.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                   and node.name.endswith(("Error", "Warning"))]
        assert classes == [], f"{path.relative_to(PACKAGE)} defines {classes}"
