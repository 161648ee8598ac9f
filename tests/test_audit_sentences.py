"""The audit log and histories read as sentences, their subjects named and linked."""


def test_audit_log_reads_as_sentences_with_links(app, login, factories, make_user):
    ana = make_user("admin", name="Ana Souza")
    maria = factories.activist("María Quispe")
    event = factories.event("ILC 2027")
    invitation = factories.invitation(event, activist=maria)
    session = login(user=ana)
    session.post("/auth/account", {"language": "pt"})
    session.post("/auth/account", {"language": "en"})
    session.post(f"/invitations/{invitation.id}", {"state": "offered"})
    page = session.get("/audit/").get_data(as_text=True)
    assert "Ana Souza changed their language to Portuguese" in page
    assert f'<a href="/invitations/{invitation.id}">invitation of María Quispe to ILC 2027</a>: <strong>Offered to the movement</strong>' in page
    assert f'<a href="/invitations/events/{event.id}">ILC 2027</a>' in page
    assert "invitation.offered" not in page and f"activist {maria.id}" not in page


def test_consent_history_names_items_by_title(app, login, factories):
    maria = factories.activist("María Quispe")
    item = factories.item(factories.campaign(), people=[(maria, "quoted", None)], title="Cita del 8M")
    factories.send(item)
    page = login("comms").get(f"/consent/people/{maria.id}").get_data(as_text=True)
    assert f'<a href="/items/{item.id}">Cita del 8M</a>' in page and f"item {item.id}" not in page
