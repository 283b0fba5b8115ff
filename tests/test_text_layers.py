"""The modules of crawler/text/ import one another one way (docs/architecture.md, "Inside text/").

Read from the source with ast, late imports (inside a function) included: a module that imports
one that imports it, directly or through others, fails here with the circle it makes.
"""

from __future__ import annotations

import ast
from pathlib import Path

TEXT = Path(__file__).resolve().parent.parent / "crawler" / "text"


def sibling_imports() -> dict[str, set[str]]:
    """module -> the modules of crawler/text/ it imports, anywhere in its code."""
    modules = {p.stem for p in TEXT.glob("*.py")}
    found: dict[str, set[str]] = {}
    for path in sorted(TEXT.glob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names.update([node.module] if node.module else (a.name for a in node.names))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crawler.text."):
                names.add(node.module.split(".")[2])
        found[path.stem] = {n.split(".")[0] for n in names} & modules - {path.stem}
    return found


def circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports in ``graph``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for other in sorted(graph.get(node, ())):
            if state.get(other) == 1:
                return path[path.index(other) :] + [other]
            if other not in state and (found := visit(other)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_text_modules_import_one_another_one_way():
    graph = sibling_imports()
    assert {"derivation", "publish", "store", "sitewide", "extract", "byline", "dates", "boilerplate"} <= set(graph)
    assert "store" in graph["publish"] and "publish" not in graph["store"]
    assert circle(graph) is None, " -> ".join(circle(graph))


def test_the_data_model_imports_no_sibling():
    assert sibling_imports()["model"] == set()


def test_a_circle_is_found():
    """The check itself: a circle through three modules, and one through a late import."""
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert circle({"a": {"b"}, "b": set()}) is None
    graph = sibling_imports()
    graph["model"] = {"derivation"}  # derivation imports model: a circle
    assert circle(graph) is not None
