"""The rooms of the project stay stacked: no import cycle between apps, every app in the layers.

import-linter's layers contract (pyproject.toml) forbids upward imports between the rooms it
lists; these tests make sure no app escapes the list and that the app graph of production code
has no cycle at all, whatever the contract says.
"""

import tomllib
from pathlib import Path

import grimp
from django.apps import apps

ROOT = Path(__file__).resolve().parents[3]


def layered_rooms() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return {room.strip() for layer in layers for room in layer.split("|")}


def app_graph() -> dict[str, set[str]]:
    """Which app imports which at run time, production modules only (tests may build whole
    worlds; imports for type checking only create no dependency)."""
    graph = grimp.build_graph(
        "stspd", include_external_packages=False, exclude_type_checking_imports=True
    )
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        if len(parts) < 2 or "tests" in parts or parts[1] == "browser_tests":
            continue
        source = ".".join(parts[:2])
        for imported in graph.find_modules_directly_imported_by(module):
            target = ".".join(imported.split(".")[:2])
            if target != source and imported.count(".") >= 1:
                edges.setdefault(source, set()).add(target)
    return edges


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a list of its nodes, or None (depth-first search)."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            if cycle := visit(target):
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def test_every_app_of_the_project_is_a_room_of_the_layers_contract() -> None:
    project_apps = {config.name for config in apps.get_app_configs()}
    ours = {name for name in project_apps if name.startswith("stspd.")}
    assert ours <= layered_rooms(), (
        f"apps missing from the layers contract: {ours - layered_rooms()}"
    )


def test_apps_import_each_other_without_any_cycle() -> None:
    graph = {
        source: {target for target in targets if target in layered_rooms()}
        for source, targets in app_graph().items()
        if source in layered_rooms()
    }
    assert graph["stspd.steering"] >= {"stspd.strategy", "stspd.indicators"}  # the graph is read
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None
