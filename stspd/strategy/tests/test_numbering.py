"""One numbered walk of the strategy tree, for models and snapshots alike."""

from stspd.strategy.models import Action, Axis, Objective
from stspd.strategy.numbering import numbered_tree, walk
from stspd.strategy.snapshot import snapshot
from stspd.strategy.views import number_of

from .test_documents import enrich


def test_snapshot_dictionaries_are_numbered_in_order() -> None:
    tree = numbered_tree(
        [
            {"objectives": [{"actions": ["a"]}, {"actions": ["b", "c"]}]},
            {"objectives": []},
        ]
    )
    assert [(node.number, node.position) for node in walk(tree)] == [
        ("1", 1),
        ("1.1", 1),
        ("1.1.1", 1),
        ("1.2", 2),
        ("1.2.1", 1),
        ("1.2.2", 2),
        ("2", 2),
    ]
    assert [node.element for node in tree[0].children[1].children] == ["b", "c"]


def test_models_and_their_snapshot_get_the_same_numbers(world) -> None:  # type: ignore[no-untyped-def]
    enrich(world, extra_actions=3)
    models = numbered_tree(Axis.objects.filter(strategy=world.strategy))
    data = numbered_tree(snapshot(world.strategy.pk)["axes"])
    assert [(n.number, n.element.key) for n in walk(models)] == [
        (n.number, n.element["key"]) for n in walk(data)
    ]
    second = Objective.objects.get(axis__position=2)
    third = Action.objects.filter(objective=second).order_by("position")[2]
    assert number_of(second) == "2.1"
    assert number_of(second, third) == "2.1.3"


def test_children_may_be_given_per_parent() -> None:
    objectives = {"A": ["A1", "A2"]}
    actions = {"A1": [], "A2": ["x"]}
    tree = numbered_tree(["A"], objectives.__getitem__, actions.__getitem__)
    assert [(n.number, n.element) for n in walk(tree)] == [
        ("1", "A"),
        ("1.1", "A1"),
        ("1.2", "A2"),
        ("1.2.1", "x"),
    ]
