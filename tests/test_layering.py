"""The house's structure, read from the source with ``ast``: sizes and import arrows.

- The teaching core (:mod:`lecturelib.engine`) stays short enough to read in one sitting:
  at most 350 lines of code and a backward pass of at most 30, docstrings and comments
  not counted, and it imports nothing from ``lecturelib``.
- Arrows point down: only ``lecturelib.widgets`` imports ipywidgets, ``plots`` imports no
  widgets, and the topic modules import neither plots nor widgets.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[1] / "lecturelib"
CORE = LIB / "engine.py"


def code_lines(source: str, first: int = 1, last: int | None = None) -> int:
    """Lines between ``first`` and ``last`` that hold code: no blanks, comments, docstrings."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (
            tokenize.COMMENT,
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            continue
        lines.update(range(token.start[0], token.end[0] + 1))
    last = last if last is not None else len(source.splitlines())
    return len({n for n in lines - docstrings if first <= n <= last})


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (relative imports resolved inside ``lecturelib``)."""
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(LIB.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_code_lines_counts_code_only() -> None:
    source = (
        '"""Doc\n\nstring."""\n\n# a comment\nx = 1  # trailing\n\n\n'
        'def f():\n    """Doc."""\n    return (\n        x\n    )\n'
    )
    assert code_lines(source) == 5  # x = 1, def, return (, x, )


def test_the_core_is_short() -> None:
    source = CORE.read_text()
    assert code_lines(source) <= 350
    graph = next(
        n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef) and n.name == "Graph"
    )
    backward = next(
        n for n in graph.body if isinstance(n, ast.FunctionDef) and n.name == "backward"
    )
    assert code_lines(source, backward.lineno, backward.end_lineno) <= 30


def test_the_core_imports_nothing_from_lecturelib() -> None:
    assert not {m for m in imports(CORE) if m == "lecturelib" or m.startswith("lecturelib.")}


def _modules(*parts: str) -> list[Path]:
    return sorted((LIB.joinpath(*parts)).glob("*.py"))


TOPICS = [p for p in _modules() if p.stem not in {"__init__", "execute", "htmlexport"}]


@pytest.mark.parametrize("path", [p for p in LIB.rglob("*.py") if "widgets" not in p.parts])
def test_only_widgets_import_ipywidgets(path: Path) -> None:
    assert not {m for m in imports(path) if m.split(".")[0] == "ipywidgets"}, path


@pytest.mark.parametrize("path", _modules("plots"), ids=lambda p: p.name)
def test_plots_import_no_widgets(path: Path) -> None:
    assert not {m for m in imports(path) if m.startswith("lecturelib.widgets")}, path


@pytest.mark.parametrize("path", TOPICS, ids=lambda p: p.name)
def test_topic_modules_import_neither_plots_nor_widgets(path: Path) -> None:
    upward = {m for m in imports(path) if m.startswith(("lecturelib.plots", "lecturelib.widgets"))}
    assert not upward, f"{path.name} imports {sorted(upward)}"


def test_the_arrows_are_read_from_real_imports() -> None:
    """Guards the tests above against parsing nothing and passing vacuously."""
    assert "lecturelib.engine" in imports(LIB / "autodiff.py")
    assert "ipywidgets" in {m.split(".")[0] for m in imports(LIB / "widgets" / "__init__.py")}
    assert any(m.startswith("lecturelib.plots") for p in _modules("widgets") for m in imports(p))
    assert len(TOPICS) >= 15
