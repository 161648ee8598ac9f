"""Plain words (issue 14, item 7): the v2 notices read easily on each language's own
scale, and decisions taken under v1 keep pointing at v1."""

import sys
from pathlib import Path

import pytest

from amplify.consent.models import Decision

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import notice_readability  # noqa: E402  (the bench is the one place the formulas live)

EASY = {("es", "Szigriszt-Pazos"): 80, ("es", "Fernández-Huerta"): 80, ("en", "Flesch"): 80,
        ("fr", "Flesch"): 80, ("pt", "Martins et al."): 75}


def test_v2_notices_are_easy_and_easier_than_v1(app):
    results = notice_readability.measure(app)
    for (language, formula), floor in EASY.items():
        assert results[("v2", language)][formula] >= floor, (language, formula, results[("v2", language)])
        assert results[("v2", language)][formula] > results[("v1", language)][formula], (language, formula)


@pytest.mark.parametrize("language", ["es", "pt", "en", "fr"])
def test_every_language_has_a_v2_with_the_same_placeholders(app, language):
    root = Path(app.config["CONSENT_NOTICES"])
    placeholders = ("$what", "$where", "$who_sees", "$who_asks", "$until", "$withdraw")
    v2 = (root / "v2" / f"{language}.txt").read_text(encoding="utf-8")
    assert all(p in v2 for p in placeholders)


def test_a_decision_under_v1_keeps_pointing_at_v1(app, client, factories, login):
    from amplify.consent import ledger, notices

    maria = factories.activist("María Quispe", languages=["es"])
    item = factories.send(factories.item(factories.campaign(), people=[(maria, "quoted", None)]))
    with app.app_context():
        v1 = notices.for_item(item, "es", None, version="v1")
        old = ledger.record_decision(maria, "item", item, item.content_hash, "given", method="phone",
                                     recorded_by=login("comms").user, notice=v1,
                                     scope={"channels": ["x"], "attribution": "full_name"})
        assert notices.current_version() == "v2"
    stored = Decision.get_by_id(old.id)
    assert (stored.notice_version, stored.notice_hash) == ("v1", v1.hash)
    _link, token = factories.link(maria)
    receipt = client.get(f"/r/{token}/decisions/{old.id}").get_data(as_text=True)
    assert "v1 (es)" in receipt and v1.hash in receipt

