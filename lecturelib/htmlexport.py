"""Export notebooks to standalone HTML that reads offline: ``python -m lecturelib.htmlexport``.

Used by ``make html``. Each page carries its figures as embedded images (an explorer shows
the static picture stored with it), and its maths as MathML, which browsers render natively,
so a reader needs neither Python nor a network connection. The template
(``lecturelib/templates/offline``) drops every script the stock template loads from a CDN.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert import HTMLExporter

__all__ = ["export_notebook", "main", "markdown_math_to_mathml"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.DOTALL)


def _mathml(latex: str, display: bool) -> str:
    tex = re.sub(r"\\tag\{([^}]*)\}", r"\\qquad (\1)", latex.strip())
    return latex_to_mathml(tex, display="block" if display else "inline")


def markdown_math_to_mathml(markdown: str) -> str:
    """Replace ``$...$`` and ``$$...$$`` in Markdown by MathML, leaving code untouched."""
    parts = _CODE.split(markdown)
    for i in range(0, len(parts), 2):  # even parts are outside code
        text = _DISPLAY.sub(lambda m: "\n\n" + _mathml(m[1], True) + "\n\n", parts[i])
        parts[i] = _INLINE.sub(lambda m: _mathml(m[1], False), text)
    return "".join(parts)


def export_notebook(path: Path, output: Path) -> Path:
    """Write ``output/<name>.html`` for the notebook at ``path``; return its path."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_math_to_mathml(cell.source)
            # Links between notebooks point at their HTML pages.
            cell.source = re.sub(r"\(([\w\-]+)\.ipynb\)", r"(\1.html)", cell.source)
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)])
    body, _ = exporter.from_notebook_node(nb)
    output.mkdir(parents=True, exist_ok=True)
    target = output / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--output", type=Path, default=Path("html"))
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"{path} -> {export_notebook(path, args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
