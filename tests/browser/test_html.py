"""The static HTML edition (make html): every page readable offline, figures and maths shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lecturelib.htmlexport import export_notebook, markdown_math_to_mathml

from .conftest import ROOT, SCREENSHOTS

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_markdown_math_becomes_mathml_outside_code() -> None:
    out = markdown_math_to_mathml("Let $x^2$ be\n\n$$f(x) = w^T x \\tag{1}$$\n\n`$not math$`")
    assert out.count("<math") == 2
    assert 'display="block"' in out
    assert "`$not math$`" in out


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    for path in NOTEBOOKS:
        export_notebook(path, out)
    return out


def _image_outputs(path: Path) -> int:
    nb = json.loads(path.read_text())
    return sum(
        "image/png" in out.get("data", {}) for c in nb["cells"] for out in c.get("outputs", [])
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_reads_offline(notebook: Path, exported: Path, browser) -> None:
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    page.goto((exported / f"{notebook.stem}.html").as_uri())
    page.wait_for_load_state("load")
    images = page.evaluate(
        "() => [...document.images].map(i => ({ok: i.complete && i.naturalWidth > 0}))"
    )
    assert len(images) >= _image_outputs(notebook)
    assert all(i["ok"] for i in images), "an image did not load"
    assert failed == [], f"assets failed to load: {failed}"
    text = page.inner_text("body")
    assert "$$" not in text, "raw TeX left on the page"
    if "$" in "".join(
        c["source"] if isinstance(c["source"], str) else "".join(c["source"])
        for c in json.loads(notebook.read_text())["cells"]
        if c["cell_type"] == "markdown"
    ):
        assert page.locator("math").count() > 0, "the maths was not rendered"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"html-{notebook.stem}.png"))
    context.close()
