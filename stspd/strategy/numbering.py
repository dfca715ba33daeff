"""The numbers of a strategy's elements: axis "1", its second objective "1.2", that objective's
third fiche action "1.2.3", in the order of the positions.

Written once for every reader of the tree: pages, documents, the spreadsheet, the comparison of
versions, the dashboard, open data and the evaluation. The tree may be the models (prefetched,
or lists of children given per parent) or the snapshot's dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Children = Callable[[Any], Iterable[Any]]


@dataclass(frozen=True)
class Node:
    """One numbered element; `children` are its objectives (an axis) or actions (an objective)."""

    number: str
    element: Any
    children: list[Node] = field(default_factory=list)

    @property
    def position(self) -> int:
        """1 for the first of its siblings."""
        return int(self.number.rsplit(".", 1)[-1])


def children(name: str) -> Children:
    """The children called `name` of a snapshot dictionary or of a model (related manager)."""

    def of(element: Any) -> Iterable[Any]:
        if isinstance(element, dict):
            return element[name]  # type: ignore[no-any-return]  # a snapshot's children: a list of dictionaries
        return getattr(element, name).all()  # type: ignore[no-any-return]  # a model's children: a related manager's queryset

    return of


OBJECTIVES = children("objectives")
ACTIONS = children("actions")


def numbered_tree(
    axes: Iterable[Any], objectives: Children = OBJECTIVES, actions: Children = ACTIONS
) -> list[Node]:
    """The axes as numbered nodes, with their objectives and those objectives' actions.

    >>> tree = numbered_tree([{"objectives": [{"actions": []}, {"actions": ["a", "b"]}]}])
    >>> [(n.number, n.element) for n in tree[0].children[1].children]
    [('1.2.1', 'a'), ('1.2.2', 'b')]
    """
    return [
        Node(
            str(a),
            axis,
            [
                Node(
                    f"{a}.{o}",
                    objective,
                    [
                        Node(f"{a}.{o}.{n}", action)
                        for n, action in enumerate(actions(objective), 1)
                    ],
                )
                for o, objective in enumerate(objectives(axis), 1)
            ],
        )
        for a, axis in enumerate(axes, 1)
    ]


def walk(tree: list[Node]) -> Iterator[Node]:
    """Every node, each followed by its children (the reading order of the strategy)."""
    for node in tree:
        yield node
        yield from walk(node.children)
