"""The package's modules talk to each other through public names only."""

from __future__ import annotations

import ast
import re
import sys
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


# --------------------------------------------------------------------------------------
# Layers: every module imports only from the layers below it
# --------------------------------------------------------------------------------------

#: The package's modules in layers, lowest first (the README's "Layers" says the same).
#: ``survey`` is one unit (the synthetic survey and its research tools).
LAYERS = (
    ("_version", "texts"),
    ("exceptions", "labels", "fairness", "_groups", "_logistic", "_toml"),
    ("schema", "training_rows"),
    ("validation",),
    ("survey", "config", "tables", "features", "explain", "_scorer"),
    ("_one_record", "draft", "questionnaire"),
    ("scoring",),
    ("levers",),
    ("whatif", "coaching"),
    ("model",),
    ("evaluation", "fairness_audit", "monitoring"),
    ("model_card", "oracle"),
    ("model_io",),
    ("training",),
    ("updating", "report", "batch", "mlflow", "spark"),
    ("cli", "_demo", "_mlflow_model"),
    ("__main__", "__init__"),
)
LAYER_OF = {name: i for i, layer in enumerate(LAYERS) for name in layer}
#: Imports kept inside functions: slow or optional third-party packages, and the
#: synthetic survey's true probabilities (checks against the truth only).
DELAYED_ALLOWED = {"shap", "matplotlib", "pyarrow", "openpyxl", "mlflow", "pyspark",
                   "fairlearn", "rehire_model.survey"}


def _unit(dotted: str) -> str:
    """A module of the package as its layer knows it (``rehire_model.survey.x`` -> survey)."""
    parts = dotted.split(".")[1:] or ["__init__"]
    return parts[0]


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_imports(path: Path) -> list[tuple[str, int, str]]:
    """(imported module, line, where) for each import of the package by ``path``; where
    is "top", "typing" (under ``if TYPE_CHECKING``) or "function"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _dotted(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = where
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = "function"
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                inner = "typing"
            if isinstance(child, ast.ImportFrom):
                base = (package[:len(package) - child.level + 1] if child.level else [])
                module = ".".join([*base, *([child.module] if child.module else [])])
                targets = ([f"{module}.{a.name}" for a in child.names]
                           if child.module is None else [module])
                found.extend((t, child.lineno, inner) for t in targets)
            elif isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, inner) for a in child.names)
            visit(child, inner)

    visit(tree, "top")
    return found


def layer_problems(path: Path) -> list[str]:
    """An import of a module in the same or a higher layer, or one inside a function."""
    unit = _unit(_dotted(path))
    problems = []
    for module, line, where in package_imports(path):
        allowed = any(module == name or module.startswith(name + ".")
                      for name in DELAYED_ALLOWED)
        if where == "function" and not allowed and module.split(".")[0] in (
                "rehire_model", "sklearn", "numpy", "pandas", "scipy"):
            problems.append(f"line {line}: imports {module} inside a function")
        if module.split(".")[0] != "rehire_model":
            continue
        target = _unit(module)
        if target == unit:
            continue
        if LAYER_OF[target] >= LAYER_OF[unit]:
            problems.append(f"line {line}: imports {module} (layer {LAYER_OF[target]}) "
                            f"from layer {LAYER_OF[unit]}")
    return problems


def test_every_module_has_a_layer():
    units = {_unit(_dotted(path)) for path in MODULES}
    assert units == set(LAYER_OF), (sorted(units - set(LAYER_OF)),
                                    sorted(set(LAYER_OF) - units))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_import_only_from_layers_below(path):
    assert layer_problems(path) == []


def test_the_layer_check_finds_upward_circular_and_delayed_imports(tmp_path, monkeypatch):
    folder = tmp_path / "rehire_model"
    folder.mkdir()
    (folder / "schema.py").write_text(
        "from .model import RehireModel\n"          # upward
        "import rehire_model.texts\n"               # downward, absolute: fine
        "def f():\n    from .texts import text\n",  # delayed
        encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", folder)
    assert layer_problems(folder / "schema.py") == [
        f"line 1: imports rehire_model.model (layer {LAYER_OF['model']}) from layer "
        f"{LAYER_OF['schema']}",
        "line 4: imports rehire_model.texts inside a function"]
