"""The demo loads the shipped context extracts once."""

from stspd.context.models import ContextEdition, ContextValue, Qpv
from stspd.demo.context import load_demo_context
from stspd.territories.importer import import_cog


def test_the_demo_context_is_loaded_once(db: None) -> None:
    import_cog()
    reports = load_demo_context()
    assert sorted(r.kind for r in reports) == ["chomage", "filosofi", "ips", "qpv", "sru"]
    assert ContextEdition.objects.count() == 5
    values = ContextValue.objects.count()
    assert ContextValue.objects.get(code="76540", indicator="poverty_rate").value == 23.0
    assert Qpv.objects.filter(communes__code="76540").exists()
    assert load_demo_context() == []
    assert ContextValue.objects.count() == values
