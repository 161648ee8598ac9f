"""The press desk: the media list (hostile CSV import, private contacts), releases built
from approved messages, the embargo at every door, pitches by e-mail one message per
journalist, and a quote that lost its consent after it was pitched."""

import io
import re
from email import message_from_bytes, policy
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
from docx import Document

from amplify.audit.models import AuditEvent
from amplify.consent import ledger
from amplify.items.models import Item, Publication
from amplify.press.models import Journalist, Outlet, Pitch, Release, ReleaseShare
from tests.test_invitation_trips import free_port, smtp_server  # noqa: F401 (fixture)

QUOTE = "«Sin nosotras no hay cuidados», dice {ref}."


def give(app, person, item, channels=("press",), attribution="pseudonym"):
    with app.app_context():
        item = Item.get_by_id(item.id)
        ledger.record_decision(person, "item", item, item.content_hash, "given", method="review_page",
                               scope={"channels": list(channels), "attribution": attribution})


@pytest.fixture
def desk(app, factories, login):
    """A campaign with an approved message, María quoted in a release (sent for review),
    and comms staff signed in."""
    org = factories.organization()
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", organization=org.id,
                               spokesperson_for=[org])
    campaign = factories.campaign(name="Campaña prensa")
    message = factories.message(campaign, title="Cuidados")
    variant = factories.variant(message)
    factories.approve(variant, maria)
    staff = login("comms")
    response = staff.post("/press/releases/new", {
        "campaign": str(campaign.id), "kind": "press_release", "title": "Las trabajadoras del hogar exigen el C189",
        "language": "es", "variants": [str(variant.id)], "text": QUOTE.replace("{ref}", "{%s}" % maria.ref),
        "quoted": [str(maria.id)], "contact_name": "Prensa ONG", "contact_email": "prensa@ong.example"})
    assert response.status_code == 302, response.get_data(as_text=True)
    release = Release.get()
    factories.send(release.item)
    return {"app": app, "factories": factories, "staff": staff, "maria": maria, "campaign": campaign,
            "release": release, "login": login}


def consented(desk):
    give(desk["app"], desk["maria"], desk["release"].item)
    return Release.get_by_id(desk["release"].id)


def embargo(desk, hours=48, zone="America/Lima"):
    local = datetime.now(timezone.utc).astimezone(__import__("zoneinfo").ZoneInfo(zone)) + timedelta(hours=hours)
    return desk["staff"].post(f"/press/releases/{desk['release'].id}/embargo", {
        "day": local.date().isoformat(), "clock": local.strftime("%H:%M"), "zone": zone})


def journalist(factories_app, name, email, **fields):
    with factories_app.app_context():
        return Journalist.create(name=name, email=email, email_key=email.lower(), **fields)


# The media list --------------------------------------------------------------------------

HOSTILE = (
    "name;email;outlet;beat;tags;notes;private_contacts;do_not_contact\r\n"
    "\"=HYPERLINK(\"\"http://evil.example\"\";\"\"clic\"\")\";formula@diario.example;La República;trabajo;;;;\r\n"
    "Ana Pérez;ana@diario.example;La República;laboral;c189 cuidados;nota\x00con nul;+51 999 111 222;\r\n"
    "Ana P. duplicada;ANA@diario.example;Otro;;;;;\r\n"
    "Sin correo;no-es-correo;;;;;;\r\n"
    ";vacio@diario.example;;;;;;\r\n"
    + "Larguísimo;largo@diario.example;;" + "x" * 300 + ";;;;\r\n"
    "\"Beto\nSalto\";beto@radio.example;Radio Mar;;;;;sí\r\n"
)


def test_a_hostile_csv_goes_in_as_plain_text_with_a_report_and_comes_out_formula_safe(app, login):
    with app.app_context():
        journalist(app, "Ya Estaba", "ya@diario.example")
    staff = login("comms")
    body = (HOSTILE + "Ya Estaba otra vez;YA@diario.example;;;;;;\r\n").encode()
    response = staff.post("/press/journalists/import", {"file": (io.BytesIO(b"\xef\xbb\xbf" + body), "lista.csv")},
                          content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    names = {j.name for j in Journalist.select()}
    assert names == {"Ya Estaba", '=HYPERLINK("http://evil.example";"clic")', "Ana Pérez", "Beto Salto"}
    assert "4 rows left out" not in page and "5 rows left out" in page
    assert "The same e-mail as row 3 of this file." in page
    assert "Already on the list as Ya Estaba." in page
    assert "No valid e-mail address." in page and "No name." in page
    assert "The “beat” cell is too long." in page
    ana = Journalist.get(Journalist.name == "Ana Pérez")
    assert ana.notes == "notacon nul" and ana.tags == ["c189", "cuidados"] and ana.outlet.name == "La República"
    assert Outlet.select().where(Outlet.name == "La República").count() == 1
    beto = Journalist.get(Journalist.name == "Beto Salto")
    assert beto.do_not_contact and beto.do_not_contact_reason
    exported = staff.get("/press/journalists/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported and "'+51 999 111 222" in exported
    assert AuditEvent.select().where(AuditEvent.action == "journalist.export").count() == 1
    # Exported and imported again: every row is a duplicate, nothing doubles.
    again = staff.post("/press/journalists/import", {"file": (io.BytesIO(exported.encode()), "export.csv")},
                       content_type="multipart/form-data")
    assert "0 journalists added" in again.get_data(as_text=True) and Journalist.select().count() == 4


@pytest.mark.parametrize("raw, message", [
    (b"\xff\xfe n\x00a\x00", "not UTF-8"),
    (b"nombre,telefono\r\nAna,1\r\n", "at least “name” and “email”"),
    (b"", "empty"),
])
def test_a_file_that_cannot_be_read_adds_nothing_and_says_why(app, login, raw, message):
    response = login("comms").post("/press/journalists/import", {"file": (io.BytesIO(raw), "x.csv")},
                                   content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert Journalist.select().count() == 0


def test_a_second_journalist_with_the_same_email_is_refused_with_the_input_kept(app, login):
    with app.app_context():
        journalist(app, "Ana Pérez", "ana@diario.example")
    response = login("comms").post("/press/journalists/new", {"name": "Ana Otra", "email": "ANA@diario.example"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ana Pérez already has this e-mail" in page and "Ana Otra" in page
    assert Journalist.select().count() == 1


def test_private_contacts_are_hidden_from_the_viewer_and_shown_on_request_with_an_audit(app, login):
    with app.app_context():
        found = journalist(app, "Ana Pérez", "ana@diario.example", private_contacts="Celular: +51 999 000 111")
    viewer = login("viewer")
    assert "+51 999 000 111" not in viewer.get(f"/press/journalists/{found.id}").get_data(as_text=True)
    assert viewer.get(f"/press/journalists/{found.id}/contact").status_code == 403
    assert viewer.get("/press/journalists/export.csv").status_code == 403
    staff = login("comms")
    assert "+51 999 000 111" not in staff.get(f"/press/journalists/{found.id}").get_data(as_text=True)
    assert "+51 999 000 111" in staff.get(f"/press/journalists/{found.id}/contact").get_data(as_text=True)
    assert AuditEvent.select().where(AuditEvent.action == "journalist.contact_viewed").count() == 1
    audit_page = login("admin").get("/audit/").get_data(as_text=True)
    assert f'href="/press/journalists/{found.id}"' in audit_page


def test_do_not_contact_needs_a_reason(app, login):
    response = login("comms").post("/press/journalists/new", {"name": "Ana", "email": "a@x.example",
                                                             "do_not_contact": "y"})
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    assert Journalist.select().count() == 0


# Releases --------------------------------------------------------------------------------

def test_her_review_page_says_it_is_a_press_release_for_journalists_in_her_language(desk):
    factories = desk["factories"]
    link, token = factories.link(desk["maria"])
    page = desk["app"].test_client().get(f"/r/{token}").get_data(as_text=True)
    assert "Un comunicado de prensa para periodistas" in page


def test_a_release_needs_an_approved_message(desk):
    response = desk["staff"].post("/press/releases/new", {
        "campaign": str(desk["campaign"].id), "kind": "press_release", "title": "Otro", "language": "es"})
    assert response.status_code == 400 and "approved message" in response.get_data(as_text=True)
    assert Release.select().count() == 1


def pdf_text(data):
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_an_embargo_in_the_past_is_refused_and_nothing_changes(desk):
    response = embargo(desk, hours=-2)
    assert response.status_code == 400 and "must be in the future" in response.get_data(as_text=True)
    assert Item.get_by_id(desk["release"].item_id).embargo_until is None


def kit_texts(desk):
    data = desk["staff"].get(f"/drafting/{desk['campaign'].slug}/exports/kit.zip").data
    with zipfile.ZipFile(io.BytesIO(data)) as kit:
        return "\n".join(kit.read(name).decode() for name in kit.namelist())


def every_export(desk):
    """What each public door gives out: ``{door: whether the quote came out}``."""
    staff, release, slug = desk["staff"], desk["release"], desk["campaign"].slug
    item_id = release.item_id
    said = "Flor del Valle"
    results = {}
    response = staff.get(f"/items/{item_id}/export.txt")
    results["item text"] = response.status_code == 200 and said in response.get_data(as_text=True)
    response = staff.post("/items/bulk", {"items": [str(item_id)], "bulk_action": "export"})
    results["bulk text"] = response.status_code == 200 and said in response.get_data(as_text=True)
    results["kit"] = said in kit_texts(desk)
    for door in ("exports/publications.csv", "exports/publications.ics"):
        results[door] = said in staff.get(f"/drafting/{slug}/{door}").get_data(as_text=True)
    response = staff.get(f"/drafting/{slug}/talking-points?language=es&format=md")
    results["talking points"] = said in response.get_data(as_text=True)
    response = staff.get(f"/press/releases/{release.id}/release.docx")
    results["docx"] = response.status_code == 200 and said in docx_text(response.data)
    response = staff.get(f"/press/releases/{release.id}/release.pdf")
    results["pdf"] = response.status_code == 200 and said in pdf_text(response.data)
    response = staff.get(f"/press/releases/{release.id}/email.txt")
    results["e-mail text"] = response.status_code == 200 and said in response.get_data(as_text=True)
    staff.post(f"/items/{item_id}/publications", {"channel": "press", "url": "https://diario.example/1"})
    results["publish"] = Publication.select().where(Publication.item == item_id).exists()
    return results


def docx_text(data):
    document = Document(io.BytesIO(data))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    return header + "\n" + "\n".join(p.text for p in document.paragraphs)


def test_before_its_embargo_no_door_lets_the_release_out_and_after_it_every_door_does(desk):
    consented(desk)
    assert embargo(desk).status_code == 302
    Item.update(planned_at=datetime.now(timezone.utc) + timedelta(days=3)).where(
        Item.id == desk["release"].item_id).execute()
    shut = every_export(desk)
    assert not any(shut.values()), shut
    page = desk["staff"].get(f"/press/releases/{desk['release'].id}").get_data(as_text=True)
    assert "Embargoed until" in page
    # The embargo passes (moved into the past behind the form's back): every door opens.
    Item.update(embargo_until=datetime.now(timezone.utc) - timedelta(minutes=1)).where(
        Item.id == desk["release"].item_id).execute()
    opened = every_export(desk)
    assert {door for door, out in opened.items() if not out} == {"talking points"}, opened


def test_the_signed_link_shows_it_embargoed_on_the_page_and_in_the_document_and_can_be_revoked(desk):
    consented(desk)
    embargo(desk)
    staff = desk["staff"]
    response = staff.post(f"/press/releases/{desk['release'].id}/shares", {"days": "7"})
    assert response.status_code == 302
    share = ReleaseShare.get()
    page = staff.get(f"/press/releases/{desk['release'].id}").get_data(as_text=True)
    token = re.search(r"/s/press/([A-Za-z0-9_.\-]+)", page).group(1)
    visitor = desk["app"].test_client()
    shared = visitor.get(f"/s/press/{token}")
    text = shared.get_data(as_text=True)
    assert shared.status_code == 200 and "EMBARGADO HASTA" in text and "Flor del Valle" in text
    assert shared.headers["Referrer-Policy"] == "no-referrer"
    document = visitor.get(f"/s/press/{token}/release.docx")
    words = docx_text(document.data)
    assert document.status_code == 200 and words.count("EMBARGADO HASTA") >= 2 and "Flor del Valle" in words
    assert Document(io.BytesIO(document.data)).sections[0].header.paragraphs[0].text.startswith("EMBARGADO")
    printed = pdf_text(visitor.get(f"/s/press/{token}/release.pdf").data)
    assert printed.count("EMBARGADO HASTA") >= 1 and "Flor del Valle" in printed
    staff.post(f"/press/shares/{share.id}/revoke", {})
    assert visitor.get(f"/s/press/{token}").status_code == 410
    assert visitor.get(f"/s/press/{token}/release.pdf").status_code == 410
    assert visitor.get(f"/s/press/{token}/release.docx").status_code == 410
    assert visitor.get("/s/press/not-a-token").status_code == 404


def test_no_link_before_everyone_quoted_agreed(desk):
    response = desk["staff"].post(f"/press/releases/{desk['release'].id}/shares", {"days": "7"})
    assert response.status_code == 302 and ReleaseShare.select().count() == 0


# Pitches ---------------------------------------------------------------------------------

def test_a_pitch_by_email_sends_one_message_per_journalist_and_no_list_of_recipients(desk, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    app = desk["app"]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False,
                      MAIL_FROM="prensa@ong.example")
    consented(desk)
    inbox.messages.clear()  # her yes was notified to staff
    ana = journalist(app, "Ana Pérez", "ana@diario.example")
    beto = journalist(app, "Beto Ríos", "beto@radio.example")
    follow = (date.today() + timedelta(days=3)).isoformat()
    response = desk["staff"].post(f"/press/releases/{desk['release'].id}/pitch", {
        "journalists": [str(ana.id), str(beto.id)], "method": "email", "subject": "Comunicado C189",
        "note": "Les comparto esto.", "follow_up_on": follow})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert len(inbox.messages) == 2
    by_recipient = {tuple(m.rcpt_tos): m.content.decode() + message_from_bytes(m.content, policy=policy.default)
                    .get_content() for m in inbox.messages}
    assert set(by_recipient) == {("ana@diario.example",), ("beto@radio.example",)}
    for address, other in (("ana@diario.example", "beto@radio.example"), ("beto@radio.example", "ana@diario.example")):
        content = by_recipient[(address,)]
        assert other not in content and "Cc:" not in content and "Bcc:" not in content
        assert f"To: {address}" in content and "Flor del Valle" in content
    assert "Ana P" in by_recipient[("ana@diario.example",)] and "Beto" not in by_recipient[("ana@diario.example",)]
    assert Pitch.select().count() == 2 and {p.method for p in Pitch.select()} == {"email"}
    board = desk["staff"].get("/press/").get_data(as_text=True)
    assert "Follow-ups due" in board and "Ana Pérez" in board
    deadlines = desk["staff"].get("/invitations/deadlines").get_data(as_text=True)
    assert "Ana Pérez" in deadlines


def test_an_embargoed_pitch_sends_each_journalist_their_own_link_never_the_text(desk, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    desk["app"].config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    consented(desk)
    embargo(desk)
    inbox.messages.clear()  # her yes was notified to staff
    ana = journalist(desk["app"], "Ana Pérez", "ana@diario.example")
    beto = journalist(desk["app"], "Beto Ríos", "beto@radio.example")
    desk["staff"].post(f"/press/releases/{desk['release'].id}/pitch", {
        "journalists": [str(ana.id), str(beto.id)], "method": "email", "subject": "Bajo embargo"})
    contents = [message_from_bytes(m.content, policy=policy.default).get_content() for m in inbox.messages]
    assert len(contents) == 2 and all("EMBARGADO HASTA" in c and "/s/press/" in c for c in contents)
    assert not any("Flor del Valle" in c for c in contents)
    assert ReleaseShare.select().count() == 2
    assert {s.journalist_id for s in ReleaseShare.select()} == {ana.id, beto.id}


def test_a_pitch_to_do_not_contact_is_refused_and_nothing_is_recorded(desk):
    consented(desk)
    ana = journalist(desk["app"], "Ana Pérez", "ana@diario.example")
    barred = journalist(desk["app"], "Carla No", "carla@tv.example", do_not_contact=True,
                        do_not_contact_reason="Publicó el nombre de una compañera.")
    response = desk["staff"].post(f"/press/releases/{desk['release'].id}/pitch", {
        "journalists": [str(ana.id), str(barred.id)], "method": "self"})
    assert response.status_code == 400 and "Carla No" in response.get_data(as_text=True)
    assert Pitch.select().count() == 0


def test_email_without_smtp_is_refused_and_sent_myself_is_recorded(desk):
    consented(desk)
    ana = journalist(desk["app"], "Ana Pérez", "ana@diario.example")
    url = f"/press/releases/{desk['release'].id}/pitch"
    response = desk["staff"].post(url, {"journalists": [str(ana.id)], "method": "email"})
    assert response.status_code == 400 and "not configured" in response.get_data(as_text=True)
    assert desk["staff"].post(url, {"journalists": [str(ana.id)], "method": "self"}).status_code == 302
    assert Pitch.get().method == "self"


def test_a_quote_withdrawn_after_the_pitch_tells_staff_which_journalists_received_it(desk):
    consented(desk)
    ana = journalist(desk["app"], "Ana Pérez", "ana@diario.example")
    beto = journalist(desk["app"], "Beto Ríos", "beto@radio.example")
    desk["staff"].post(f"/press/releases/{desk['release'].id}/pitch", {
        "journalists": [str(ana.id), str(beto.id)], "method": "self"})
    with desk["app"].test_request_context():
        item = Item.get_by_id(desk["release"].item_id)
        ledger.record_decision(desk["maria"], "item", item, item.content_hash, "withdrawn", method="review_page")
    board = desk["staff"].get("/press/").get_data(as_text=True)
    assert "Ask them not to use a quote" in board and "Ana Pérez" in board and "Beto Ríos" in board
    assert Pitch.select().where(Pitch.recall_required_at.is_null(False)).count() == 2
    first = Pitch.get(Pitch.journalist == ana.id)
    desk["staff"].post(f"/press/pitches/{first.id}/recalled", {})
    desk["staff"].get("/press/")  # the flash saying so
    board = desk["staff"].get("/press/").get_data(as_text=True)
    assert "Ana Pérez" not in board.split("Releases and story pitches")[0] and "Beto Ríos" in board


def test_an_interview_request_needs_a_spokesperson_and_the_report_shows_the_trail_to_coverage(desk):
    consented(desk)
    with desk["app"].app_context():
        outlet = Outlet.create(name="La República", kind="newspaper", country="PE")
    ana = journalist(desk["app"], "Ana Pérez", "ana@diario.example", outlet=outlet)
    staff = desk["staff"]
    staff.post(f"/press/releases/{desk['release'].id}/pitch", {"journalists": [str(ana.id)], "method": "self"})
    pitch = Pitch.get()
    response = staff.post(f"/press/pitches/{pitch.id}", {"answer": "interview_requested"})
    assert response.status_code == 400 and "Propose a spokesperson" in response.get_data(as_text=True)
    response = staff.post(f"/press/pitches/{pitch.id}", {"answer": "interview_requested",
                                                        "spokesperson": str(desk["maria"].id)})
    assert response.status_code == 302 and Pitch.get().spokesperson_id == desk["maria"].id
    report_url = f"/reports/campaigns/{desk['campaign'].slug}?since=2026-01-01&until=2027-12-31"
    before = staff.get(report_url).get_data(as_text=True)  # kept in the report cache from here
    assert "Trabajadoras exigen el C189" not in before
    response = staff.post(f"/press/releases/{desk['release'].id}/coverage", {
        "title": "Trabajadoras exigen el C189", "url": "https://diario.example/nota", "published_on": "2026-12-01",
        "pitch": str(pitch.id), "quotes_carried": "y"})
    assert response.status_code == 302
    source = desk["factories"].feed_source(url="https://diario.example/feed.xml", kind="monitoring")
    entry = desk["factories"].feed_entry(source, title="Radio: las trabajadoras del hogar", state="coverage",
                                         campaign=desk["campaign"].id, published_at=datetime(2026, 12, 2, tzinfo=timezone.utc))
    response = staff.post(f"/press/releases/{desk['release'].id}/coverage", {"feed_entry": str(entry.id)})
    assert response.status_code == 302
    response = staff.post(f"/press/releases/{desk['release'].id}/coverage", {"title": "", "feed_entry": ""})
    assert response.status_code == 400 and "Give its title" in response.get_data(as_text=True)
    undated = staff.post(f"/press/releases/{desk['release'].id}/coverage", {"title": "Sin fecha", "feed_entry": ""})
    assert undated.status_code == 400 and "Give the day it came out." in undated.get_data(as_text=True)
    assert "Sin fecha" in undated.get_data(as_text=True)  # what she typed is kept
    page = staff.get(f"/press/releases/{desk['release'].id}").get_data(as_text=True)
    assert "Trabajadoras exigen el C189" in page and "spokesperson: María Quispe" in page
    assert "Radio: las trabajadoras del hogar" in page and "found by the feeds" in page
    text = staff.get(report_url).get_data(as_text=True)  # a new pitch answer and coverage, never stale
    trail = text.split('id="t-press"', 1)[1].split("</section>", 1)[0]
    assert "La República" in trail and "<td>PE</td><td>Español</td><td>1</td><td>1</td><td>1</td><td>1</td>" in trail
    quotes = text.split('id="t-press_quotes"', 1)[1].split("</section>", 1)[0]
    assert "Trabajadoras exigen el C189" in quotes and "Flor del Valle" in quotes and "María Quispe" not in quotes
    csv_text = staff.get(f"/reports/campaigns/{desk['campaign'].slug}/press.csv?since=2026-01-01&until=2027-12-31")
    assert "La República" in csv_text.get_data(as_text=True)


def test_an_interview_is_her_own_decision_with_the_protection_she_chose_and_a_second_sign_off(desk, make_user):
    consented(desk)
    factories, staff = desk["factories"], desk["staff"]
    org = factories.organization("Red de Trabajadoras")
    rosa = factories.activist("Rosa Mamani", pseudonym="Kantuta", organization=org.id, spokesperson_for=[org],
                              risk_level="high", default_attribution="pseudonym")
    with desk["app"].app_context():
        outlet = Outlet.create(name="Radio Mar", kind="radio", country="PE")
    ana = journalist(desk["app"], "Ana Pérez", "ana@radio.example", outlet=outlet)
    staff.post(f"/press/releases/{desk['release'].id}/pitch", {"journalists": [str(ana.id)], "method": "self"})
    pitch = Pitch.get()
    response = staff.post(f"/press/spokespeople/{rosa.id}", {"formats": ["radio", "print"],
                                                             "topics": "Trabajo del hogar", "availability": "Tardes"})
    assert response.status_code == 302
    assert "Rosa Mamani" in staff.get("/press/spokespeople/").get_data(as_text=True)
    staff.post(f"/press/pitches/{pitch.id}", {"answer": "interview_requested", "spokesperson": str(rosa.id)})
    day = (date.today() + timedelta(days=5)).isoformat()
    url = f"/press/pitches/{pitch.id}/interview"
    on_tv = staff.post(url, {"on": day, "format": "tv", "protection": "pseudonym"})
    assert on_tv.status_code == 400 and "only as: Print, Radio" in on_tv.get_data(as_text=True)
    refused = staff.post(url, {"on": day, "format": "radio", "protection": "no_face"})
    assert refused.status_code == 400 and "only with the protection she chose" in refused.get_data(as_text=True)
    past = staff.post(url, {"on": "2020-01-01", "format": "radio", "protection": "voice_only"})
    assert past.status_code == 400 and "cannot be in the past" in past.get_data(as_text=True)
    assert Item.select().where(Item.kind == "interview").count() == 0
    assert staff.post(url, {"on": day, "format": "radio", "protection": "pseudonym"}).status_code == 302
    interview = Item.get(Item.kind == "interview")
    person = interview.people().get()
    assert (person.attribution, person.appearance) == ("pseudonym", "quoted")
    assert "Radio Mar" in interview.text and "radio" in interview.text and interview.language == "es"
    # Her page: what it is, in plain words, and under which name.
    from amplify.items.changes import send_for_review, sign_safety

    with desk["app"].test_request_context():
        with pytest.raises(Exception, match="second staff member"):
            send_for_review(Item.get_by_id(interview.id))
        sign_safety(Item.get_by_id(interview.id), make_user("comms", email="otra@ong.example"))
    factories.send(interview)
    link, token = factories.link(rosa)
    page = desk["app"].test_client().get(f"/r/{token}").get_data(as_text=True)
    preview = page.split('class="preview"', 1)[1].split("</div>", 1)[0]
    assert "Una entrevista con periodistas" in page and "Kantuta" in preview and "Rosa Mamani" not in preview
    assert "Radio Mar" in preview and "sin mostrar su rostro" in preview
    give(desk["app"], rosa, interview)
    text = staff.get(f"/press/pitches/{pitch.id}").get_data(as_text=True)
    assert "She agreed to this interview, as written." in text


def test_a_mail_server_that_refuses_leaves_no_pitch_and_no_link(desk):
    desk["app"].config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)
    consented(desk)
    embargo(desk)
    ana = journalist(desk["app"], "Ana Pérez", "ana@diario.example")
    response = desk["staff"].post(f"/press/releases/{desk['release'].id}/pitch", {
        "journalists": [str(ana.id)], "method": "email"})
    assert response.status_code == 302
    assert "refused the message to: Ana Pérez" in desk["staff"].get(response.headers["Location"]).get_data(as_text=True)
    assert Pitch.select().count() == 0 and ReleaseShare.select().count() == 0


def test_the_embargo_reads_in_its_own_zone_everywhere_it_is_written(desk):
    """10:30 in Lima is 15:30 UTC: a journalist reading "10:30 (America/Lima)" must not be
    told 15:30 — nor anyone else: the staff page, the list, the shared page, the document
    and the clearance message all give the wall-clock time of the zone they name."""
    consented(desk)
    staff = desk["staff"]
    day = (datetime.now(timezone.utc) + timedelta(days=3)).date()
    assert staff.post(f"/press/releases/{desk['release'].id}/embargo", {
        "day": day.isoformat(), "clock": "10:30", "zone": "America/Lima"}).status_code == 302
    stored = Item.get_by_id(desk["release"].item_id).embargo_until
    assert stored.astimezone(timezone.utc).hour == 15 and stored.minute == 30
    page = staff.get(f"/press/releases/{desk['release'].id}").get_data(as_text=True)
    assert re.search(r"10:30(:00)?\s*(AM)?\s*\(America/Lima\)", page), "the release page"
    assert re.search(r"Embargoed until [A-Z][a-z]{2} \d+, \d{4}, 10:30:00\s*AM America/Lima: before then", page), \
        "the clearance message"
    assert "15:30" not in page and "3:30" not in page
    listed = staff.get("/press/").get_data(as_text=True)
    assert re.search(r"10:30\s*(AM)?\s*America/Lima", listed), "the press desk's list"
    staff.post(f"/press/releases/{desk['release'].id}/shares", {"days": "7"})
    token = re.search(r"/s/press/([A-Za-z0-9_.\-]+)", staff.get(
        f"/press/releases/{desk['release'].id}").get_data(as_text=True)).group(1)
    shared = desk["app"].test_client().get(f"/s/press/{token}").get_data(as_text=True)
    assert re.search(r"EMBARGADO HASTA [^<]*10:30[^<]*\(America/Lima\)", shared), "the journalist's page"
    words = docx_text(desk["app"].test_client().get(f"/s/press/{token}/release.docx").data)
    assert "10:30" in words and "15:30" not in words
