import io

from PIL import Image

from amplify.audit.models import AuditEvent
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.campaigns.forms import contrast_ratio

CAMPAIGN = {
    "name": "Ratificación ya", "goal": "Que se ratifique el C190",
    "audiences": ["public", "policymakers"], "languages": ["es", "pt"],
    "frameworks": ["C189", "C190"], "hashtags": "#C190 TrabajoDigno, #C190",
    "links": "https://www.ilo.org/\n", "key_dates": "2026-06-16 Día internacional\n",
    "colour_background": "#5b2a86", "colour_text": "#ffffff", "colour_accent": "#f2c14e",
}


def png(size=(40, 20), colour=(200, 30, 30)):
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    image.save(out, format="PNG", pnginfo=_with_text())
    return out.getvalue()


def _with_text():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "GPS 12.0 -77.0 secret")
    return info


def test_create_campaign_normalises_lists_and_keeps_a_stable_slug(app, login):
    session = login("comms")
    response = session.post("/campaigns/new", dict(CAMPAIGN, logo=(io.BytesIO(png()), "logo.png")),
                            content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = Campaign.get()
    assert campaign.slug == "ratificacion-ya"
    assert campaign.hashtags == ["#C190", "#TrabajoDigno"]
    assert campaign.links == ["https://www.ilo.org/"]
    assert campaign.key_dates == [{"date": "2026-06-16", "label": "Día internacional"}]
    logo = bytes(campaign.logo)
    assert logo.startswith(b"\x89PNG") and b"secret" not in logo
    assert session.get("/campaigns/ratificacion-ya/logo.png").data == logo
    # Renaming keeps the slug, so links and packs keep working.
    session.post("/campaigns/ratificacion-ya/edit", dict(CAMPAIGN, name="Otro nombre"))
    assert Campaign.get().slug == "ratificacion-ya" and Campaign.get().name == "Otro nombre"
    assert bytes(Campaign.get().logo) == logo


def test_campaign_named_like_a_route_gets_another_slug(app, factories):
    assert factories.campaign("New").slug == "new-2"


def test_campaign_form_errors_are_specific_and_keep_input(app, login):
    session = login("comms")
    bad = dict(CAMPAIGN, hashtags="#ok not-a-tag!", links="ftp://x", key_dates="16/06 día",
               colour_text="#6a3a96", languages=[], logo=(io.BytesIO(b"GIF89a..."), "x.gif"))
    response = session.post("/campaigns/new", bad, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("hashtags", "links", "key_dates", "colour_text", "languages", "logo"):
        assert f'id="{field}-error"' in page or f'{field}-error' in page, field
    assert "not-a-tag!" in page and "16/06 día" in page
    assert "contrast" in page
    assert Campaign.select().count() == 0


def test_contrast_ratio_matches_wcag_examples():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48


def test_add_message_with_two_variants_and_find_it(app, login, factories):
    campaign = factories.campaign()
    session = login("comms")
    response = session.post(f"/campaigns/{campaign.slug}/messages/new", {
        "title": "Ratificar el C190", "language": "es",
        "short_form": "Una casa también es un lugar de trabajo.",
        "long_form": "El C190 protege contra la violencia y el acoso.",
        "evidence_figure": "En vigor desde 2021", "evidence_source": "https://www.ilo.org/",
    })
    assert response.status_code == 302
    message = Message.get()
    assert message.key == "ratificar-el-c190"
    response = session.post(f"/campaigns/{campaign.slug}/messages/{message.key}/variants/new", {
        "language": "pt", "short_form": "Uma casa também é um local de trabalho.",
        "long_form": "A C190 protege contra a violência e o assédio.",
    })
    assert response.status_code == 302
    assert [v.state for v in message.variants()] == ["proposed", "proposed"]
    listing = session.get(f"/campaigns/{campaign.slug}?q=local+de+trabalho").get_data(as_text=True)
    assert "Ratificar el C190" in listing
    assert "Ratificar el C190" not in session.get(f"/campaigns/{campaign.slug}?q=zzz").get_data(as_text=True)
    assert "Ratificar el C190" in session.get(f"/campaigns/{campaign.slug}?language=pt&state=proposed").get_data(as_text=True)
    assert "Ratificar el C190" not in session.get(f"/campaigns/{campaign.slug}?state=approved").get_data(as_text=True)


def test_a_second_variant_in_the_same_language_is_refused(app, login, factories):
    campaign = factories.campaign()
    message = factories.message(campaign)
    session = login("comms")
    response = session.post(f"/campaigns/{campaign.slug}/messages/{message.key}/variants/new", {
        "language": "es", "short_form": "Otra", "long_form": "Otra más"})
    assert response.status_code == 400
    assert "already has a variant in that language" in response.get_data(as_text=True)
    assert MessageVariant.select().count() == 1


def test_a_figure_needs_its_source(app, login, factories):
    campaign = factories.campaign()
    session = login("comms")
    response = session.post(f"/campaigns/{campaign.slug}/messages/new", {
        "title": "T", "language": "es", "short_form": "a", "long_form": "b",
        "evidence_figure": "75,6 millones", "evidence_source": "javascript:alert(1)"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="evidence_source-error"' in page
    assert Message.select().count() == 0


def state_url(campaign, message, language="es"):
    return f"/campaigns/{campaign.slug}/messages/{message.key}/variants/{language}/state"


def test_approval_names_a_spokesperson_and_how(app, login, factories):
    org = factories.organization()
    speaker = factories.activist("Vocera", spokesperson_for=[org])
    bystander = factories.activist("No vocera")
    campaign = factories.campaign()
    message = factories.message(campaign)
    session = login("comms")
    url = state_url(campaign, message)
    missing = session.post(url, {"s-es-state": "approved", "s-es-approved_by": "",
                                 "s-es-approval_method": ""})
    assert missing.status_code == 400
    assert "Name the spokesperson" in missing.get_data(as_text=True)
    not_speaker = session.post(url, {"s-es-state": "approved", "s-es-approved_by": str(bystander.id),
                                     "s-es-approval_method": "phone"})
    assert not_speaker.status_code == 400
    assert factories.variant(message).state == "proposed"
    ok = session.post(url, {"s-es-state": "approved", "s-es-approved_by": str(speaker.id),
                            "s-es-approval_method": "phone"})
    assert ok.status_code == 302
    variant = factories.variant(message)
    assert (variant.state, variant.approved_by_id, variant.approval_method) == ("approved", speaker.id, "phone")
    assert AuditEvent.select().where(AuditEvent.action == "variant.approved").count() == 1


def test_changes_requested_needs_a_note_and_disallowed_moves_are_refused(app, login, factories):
    campaign = factories.campaign()
    message = factories.message(campaign)
    session = login("comms")
    url = state_url(campaign, message)
    no_note = session.post(url, {"s-es-state": "changes_requested", "s-es-note": " "})
    assert no_note.status_code == 400
    assert session.post(url, {"s-es-state": "retired"}).status_code == 400  # not from proposed
    ok = session.post(url, {"s-es-state": "changes_requested", "s-es-note": "Decir 'trabajadoras'"})
    assert ok.status_code == 302
    variant = factories.variant(message)
    assert variant.state == "changes_requested" and variant.state_note == "Decir 'trabajadoras'"


def test_editing_approved_wording_makes_a_new_version_that_needs_approval(app, login, factories):
    org = factories.organization()
    speaker = factories.activist(spokesperson_for=[org])
    campaign = factories.campaign()
    message = factories.message(campaign)
    factories.approve(factories.variant(message), speaker)
    session = login("comms")
    edit = f"/campaigns/{campaign.slug}/messages/{message.key}/variants/es/edit"
    same = factories.variant(message)
    session.post(edit, {"language": "es", "short_form": same.short_form, "long_form": same.long_form})
    assert factories.variant(message).state == "approved"  # nothing changed, approval stands
    session.post(edit, {"language": "es", "short_form": "Texto cambiado por el equipo",
                        "long_form": same.long_form})
    variant = factories.variant(message)
    assert (variant.state, variant.version, variant.approved_by_id) == ("proposed", 2, None)


def test_viewer_cannot_change_campaigns(app, login, factories):
    campaign = factories.campaign()
    session = login("viewer")
    assert session.get(f"/campaigns/{campaign.slug}").status_code == 200
    response = session.post(f"/campaigns/{campaign.slug}/edit", dict(CAMPAIGN, name="Hack"))
    assert response.status_code == 403
    assert Campaign.get().name != "Hack"
    htmx = session.client.post(f"/campaigns/{campaign.slug}/edit", headers={"HX-Request": "true"},
                               data={"csrf_token": "x"})
    assert htmx.status_code in (400, 403)


def test_forbidden_htmx_request_gets_a_fragment(app, login, factories):
    campaign = factories.campaign()
    session = login("viewer")
    response = session.get(f"/campaigns/{campaign.slug}/edit", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "<html" not in response.get_data(as_text=True)
    assert "Not allowed" in response.get_data(as_text=True)


def test_renaming_a_message_keeps_its_key(app, login, factories):
    campaign = factories.campaign()
    message = factories.message(campaign, title="Viejo título")
    session = login("comms")
    response = session.post(f"/campaigns/{campaign.slug}/messages/{message.key}/edit", {"title": "Nuevo título"})
    assert response.status_code == 302
    renamed = Message.get_by_id(message.id)
    assert (renamed.title, renamed.key) == ("Nuevo título", message.key)
    assert session.post(f"/campaigns/{campaign.slug}/messages/{message.key}/edit", {"title": ""}).status_code == 400


def test_a_post_without_the_list_fields_keeps_the_campaigns_own(app, login):
    """Found by the permission matrix (a post without the hashtags field was a 500)."""
    session = login("comms")
    session.post("/campaigns/new", CAMPAIGN)
    fields = {k: v for k, v in CAMPAIGN.items() if k not in ("hashtags", "links", "key_dates")}
    response = session.post("/campaigns/ratificacion-ya/edit", dict(fields, name="Otro nombre"))
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign = Campaign.get()
    assert campaign.name == "Otro nombre" and campaign.hashtags == ["#C190", "#TrabajoDigno"]
    assert campaign.links == ["https://www.ilo.org/"] and len(campaign.key_dates) == 1


def test_campaign_time_zone_is_an_iana_name_or_the_installations(app, login):
    session = login("comms")
    page = session.get("/campaigns/new").get_data(as_text=True)
    assert "s (UTC)</option>" in page and '<option value="America/Lima">' in page
    response = session.post("/campaigns/new", dict(CAMPAIGN, time_zone="America/Nowhere"))
    assert response.status_code == 400 and 'id="time_zone-error"' in response.get_data(as_text=True)
    assert Campaign.select().count() == 0
    assert session.post("/campaigns/new", dict(CAMPAIGN, time_zone="America/Lima")).status_code == 302
    with app.app_context():
        assert Campaign.get().time_zone == "America/Lima" and Campaign.get().zone_name() == "America/Lima"
        Campaign.update(time_zone="").execute()
        assert Campaign.get().zone_name() == "UTC"


def test_a_bad_installation_time_zone_stops_the_app_with_its_name(make_app):
    import pytest

    with pytest.raises(ValueError, match="AMPLIFY_TIMEZONE"):
        make_app(TIMEZONE="Lima")
