from amplify.campaigns.changes import save_variant
from amplify.campaigns.models import MessageVariant
from amplify.items.models import Item

LONG = ("Cuidamos hogares, niñas, niños y personas mayores para que otras personas puedan trabajar. "
        "Según la OIT, en el mundo hay 75,6 millones de trabajadoras y trabajadores del hogar.")


def approved_message(factories, campaign, speaker):
    message = factories.message(campaign, title="Trabajo es trabajo", long_form=LONG,
                                short_form="El trabajo del hogar es trabajo.",
                                call_to_action="¡Ratifica el C189!")
    factories.approve(factories.variant(message), speaker)
    return factories.variant(message)


def test_compose_previews_then_creates_one_draft_per_platform(app, login, factories):
    org = factories.organization()
    speaker = factories.activist(spokesperson_for=[org])
    campaign = factories.campaign(links=["https://www.ilo.org/"], hashtags=["#C189"])
    variant = approved_message(factories, campaign, speaker)
    session = login("comms")
    page = session.get(f"/drafting/{campaign.slug}?language=es").get_data(as_text=True)
    assert "Trabajo es trabajo" in page
    data = {"language": "es", "variants": [str(variant.id)], "platforms": ["x", "mastodon", "linkedin"]}
    preview = session.post(f"/drafting/{campaign.slug}", dict(data, action="preview")).get_data(as_text=True)
    assert "¡Ratifica el C189!" in preview and Item.select().count() == 0
    response = session.post(f"/drafting/{campaign.slug}", dict(data, action="create"))
    assert response.status_code == 302
    items = {i.channel: i for i in Item.select()}
    assert set(items) == {"x", "mastodon", "linkedin"}
    assert all(i.state == "draft" and i.composed_text == i.text for i in items.values())
    assert "https://www.ilo.org/" in items["mastodon"].text and "#C189" in items["linkedin"].text
    assert [v.id for v in items["x"].variants()] == [variant.id]
    assert items["x"].provenance() == [("same", items["x"].text)]


def test_compose_refuses_without_choices_and_keeps_the_language(app, login, factories):
    campaign = factories.campaign()
    session = login("comms")
    response = session.post(f"/drafting/{campaign.slug}", {"language": "pt", "action": "create"})
    assert response.status_code in (200, 400)
    assert Item.select().count() == 0


def test_counter_counts_as_the_platform_and_shows_the_overflow(app, login):
    session = login("comms")
    response = session.post("/drafting/count", {"text": "x" * 285, "channel": "x", "kind": "post"},
                            headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert "285 of 280" in fragment and "5 too many" in fragment
    assert "<mark>xxxxx</mark>" in fragment
    thread = session.post("/drafting/count", {"text": "uno\n---\n" + "y" * 300, "channel": "x",
                                              "kind": "thread"}).get_data(as_text=True)
    assert "3 of 280" in thread and "300 of 280" in thread
    unknown = session.post("/drafting/count", {"text": "hola", "channel": "myspace"})
    assert "Unknown platform" in unknown.get_data(as_text=True)


def test_counter_warns_about_what_could_expose_someone(app, login, factories):
    factories.activist("Rosa Mamani", risk_level="high")
    session = login("comms")
    fragment = session.post("/drafting/count", {
        "text": "Rosa Mamani vive en la Calle Los Olivos 1234, llama al +51 987 654 321",
        "channel": "mastodon", "kind": "post"}).get_data(as_text=True)
    assert "The real name of someone at high risk" in fragment
    assert "A street address" in fragment and "A phone number" in fragment


def test_staff_edits_are_marked_as_not_approved_wording(app, login, factories):
    org = factories.organization()
    speaker = factories.activist(spokesperson_for=[org])
    campaign = factories.campaign()
    variant = approved_message(factories, campaign, speaker)
    session = login("comms")
    session.post(f"/drafting/{campaign.slug}", {"language": "es", "variants": [str(variant.id)],
                                                "platforms": ["mastodon"], "action": "create"})
    item = Item.get()
    session.post(f"/items/{item.id}/edit", {
        "campaign": str(campaign.id), "title": item.title, "kind": "post", "language": "es",
        "channel": "mastodon", "variants": [str(variant.id)], "text": item.text + " ¡Súmate hoy!"})
    page = session.get(f"/items/{item.id}").get_data(as_text=True)
    assert "<ins>¡Súmate hoy!</ins>" in page


def test_an_overlong_item_cannot_go_to_review(app, login, factories):
    campaign = factories.campaign()
    item = factories.item(campaign, text="x" * 281, channel="x")
    session = login("comms")
    response = session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "draft"
    assert "too long for this platform" in session.get(response.headers["Location"]).get_data(as_text=True)
    thread = factories.item(campaign, text="uno\n---\n" + "y" * 200 + "\n---\n" + "z" * 200, channel="x",
                            kind="thread", title="hilo")
    session.post(f"/items/{thread.id}/review", {})
    assert Item.get_by_id(thread.id).state == "cleared"
    press = factories.item(campaign, text="z" * 5000, channel="press", title="prensa", kind="press_quote")
    session.post(f"/items/{press.id}/review", {})
    assert Item.get_by_id(press.id).state == "cleared"


def test_compose_several_languages_side_by_side_with_counts_and_create_at_once(app, login, factories):
    org = factories.organization()
    speaker = factories.activist(spokesperson_for=[org])
    campaign = factories.campaign(links=["https://www.ilo.org/"], hashtags=["#C189"], languages=["es", "pt"])
    message = factories.message(campaign, title="Trabajo es trabajo", long_form=LONG,
                                short_form="El trabajo del hogar es trabajo.", call_to_action="¡Ratifica el C189!")
    factories.in_context(save_variant)(message, MessageVariant(
        language="pt"), short_form="Trabalho doméstico é trabalho.", long_form="Cuidamos de lares.",
        call_to_action="Ratifique a C189!", evidence_figure="", evidence_source="")
    es, pt = factories.variant(message, "es"), factories.variant(message, "pt")
    factories.approve(es, speaker)
    factories.approve(pt, speaker)
    session = login("comms")
    page = session.get(f"/drafting/{campaign.slug}?language=es&language=pt").get_data(as_text=True)
    assert "Trabajo es trabajo (es)" in page and "Trabajo es trabajo (pt)" in page
    assert "Create these drafts" in page  # no preview needed first
    data = {"language": ["es", "pt"], "variants": [str(es.id), str(pt.id)], "platforms": ["x", "mastodon"]}
    preview = session.post(f"/drafting/{campaign.slug}", dict(data, action="preview")).get_data(as_text=True)
    assert "Ratifique a C189!" in preview and "¡Ratifica el C189!" in preview
    assert " of 280" in preview and " of 500" in preview  # each draft's count
    assert Item.select().count() == 0
    assert session.post(f"/drafting/{campaign.slug}", dict(data, action="create")).status_code == 302
    made = {(i.channel, i.language): i for i in Item.select()}
    assert set(made) == {("x", "es"), ("x", "pt"), ("mastodon", "es"), ("mastodon", "pt")}
    assert "Ratifique a C189!" in made["x", "pt"].text and "https://www.ilo.org/" in made["x", "pt"].text
    assert [v.id for v in made["mastodon", "pt"].variants()] == [pt.id]
