"""Issue 16: an event as its delegation's home, and the documents hosts and consulates ask
for (visa letters, delegation lists), parsed back with python-docx."""

import io
from datetime import date, timedelta

from docx import Document

from amplify.audit.models import AuditEvent
from amplify.invitations.models import Event, Invitation, Support
from tests.conftest import rebuild_deadlines


def at_state(invitation, state, **fields):
    Invitation.update(state=state, **fields).where(Invitation.id == invitation.id).execute()
    return Invitation.get_by_id(invitation.id)


def delegation(app, factories):
    """ILC 2027 with three organisations: two people going (one for the first time), one
    who declined, one asked; support lines in two currencies."""
    sindicato, red = factories.organization("Sindicato del Hogar"), factories.organization("Red Regional")
    ana = factories.activist("Ana Quispe", organization=sindicato.id, default_attribution="full_name",
                             risk_level="low")
    bea = factories.activist("Bea Lima", organization=sindicato.id, pseudonym="La Tejedora",
                             default_attribution="pseudonym", risk_level="high")
    carla = factories.activist("Carla Ríos", organization=red.id, default_attribution="anonymous")
    dora = factories.activist("Dora Paz", organization=red.id)
    event = factories.event("ILC 2027", seats_per_organization=1, country="CH", languages=["fr"])
    earlier = factories.event("Foro 2025", days=-400)
    at_state(factories.invitation(event=earlier, activist=ana), "attended")
    going_ana = at_state(factories.invitation(event=event, activist=ana), "confirmed", risk_level="high",
                         visa_required=True, interpretation_needed=True, passport_number="P123",
                         passport_name="ANA MARIA QUISPE MAMANI", nationality="PE")
    going_bea = at_state(factories.invitation(event=event, activist=bea, role="delegate"), "accepted")
    at_state(factories.invitation(event=event, activist=carla), "declined")
    at_state(factories.invitation(event=event, activist=dora), "invited")
    for line in [("travel", "booked", "USD", 120000, 98050), ("per_diem", "reimbursed", "USD", 30000, 31000),
                 ("travel", "booked", "CHF", 50000, None), ("accommodation", "booked", "CHF", 80000, 75025)]:
        kind, how, currency, budget, actual = line
        Support.create(invitation=going_ana, kind=kind, arrangement=how, currency=currency,
                       budget_cents=budget, actual_cents=actual)
    Support.create(invitation=going_bea, kind="travel", arrangement="booked", currency="USD", budget_cents=99999)
    rebuild_deadlines(app)
    return event, going_ana, going_bea


def test_the_event_page_is_the_delegations_home(app, login, factories):
    event, ana, bea = delegation(app, factories)
    page = login("events").get(f"/invitations/events/{event.id}").get_data(as_text=True)
    going = page.split('id="going"')[1].split('id="asked"')[0]
    assert "Ana Quispe" in going and "Bea Lima" in going and "Carla" not in going
    assert "Carla Ríos" in page.split('id="declined"')[1] and "Dora Paz" in page.split('id="asked"')[1]
    # Ana was at a forum before: not her first time; Bea's is.
    rows = {row.split("</td>")[0]: row for row in going.split("<tr>")[2:]}
    ana_row = next(r for k, r in rows.items() if "Ana Quispe" in k)
    bea_row = next(r for k, r in rows.items() if "Bea Lima" in k)
    assert "<td>No</td>" in ana_row and "<td>Yes</td>" in bea_row
    assert "Needed, not booked" in ana_row and "Needed, not lodged" in ana_row and "High" in ana_row
    # Seats: two of the Sindicato's people with one seat offered.
    seats = page.split('id="seats"')[1].split('id="deadlines"')[0]
    assert "Sindicato del Hogar" in seats and "more than offered" in seats and "Red Regional" in seats
    # Budgets per currency, hand-computed, never added across currencies.
    money = page.split('id="budget"')[1].split('id="risk"')[0]
    chf, usd = money.split("<tr class=\"total\">")[1], money.split("<tr class=\"total\">")[2]
    assert "CHF" in chf and "1,300.00" in chf and "750.25" in chf          # 500 + 800; 0 + 750.25
    assert "USD" in usd and "2,499.99" in usd and "1,290.50" in usd         # 1200 + 300 + 999.99; 980.50 + 310
    assert "3,799.99" not in money  # never CHF + USD
    assert "Interpreter" in page or "Book the interpreter" in page  # the event's deadlines
    risk = page.split('id="risk"')[1].split('id="outcomes"')[0]
    assert "High: <strong>1</strong>" in risk and "Not assessed yet: <strong>1</strong>" in risk


def test_the_viewer_sees_no_trip_or_passport_data_on_the_event_page(app, login, factories):
    event, ana, _bea = delegation(app, factories)
    viewer = login("viewer")
    page = viewer.get(f"/invitations/events/{event.id}").get_data(as_text=True)
    assert "Ana Quispe" in page and 'id="risk"' not in page and ">Visa<" not in page and "visa-letter" not in page
    assert "P123" not in page and "ANA MARIA" not in page and "Book the interpreter" in page
    assert viewer.get(f"/invitations/{ana.id}/visa-letter").status_code == 403
    assert viewer.get(f"/invitations/events/{event.id}/delegation-list?version=passports").status_code == 403
    assert viewer.get(f"/invitations/events/{event.id}/delegation-list.csv?version=passports").status_code == 403


def test_the_going_list_is_paged(app, login, factories):
    event = factories.event("Asamblea grande")
    for n in range(3):
        at_state(factories.invitation(event=event, activist=factories.activist(f"Persona {n}")), "confirmed")
    session = login("events")
    first = session.get(f"/invitations/events/{event.id}?per_page=2").get_data(as_text=True).split('id="seats"')[0]
    assert "Persona 0" in first and "Persona 1" in first and "Persona 2" not in first and 'rel="next"' in first
    after = Invitation.select().where(Invitation.event == event.id).order_by(Invitation.id)[1].id
    second = session.get(f"/invitations/events/{event.id}?per_page=2&after={after}").get_data(as_text=True)
    second = second.split('id="seats"')[0]
    assert "Persona 2" in second and "Persona 0" not in second


def words(body):
    document = Document(io.BytesIO(body))
    return document, "\n".join(p.text for p in document.paragraphs)


LETTER_WORDS = {"es": ("de nacionalidad Perú", "– Viaje: pago por adelantado a cargo de Amplify", "A quien corresponda"),
                "pt": ("de nacionalidade Peru", "– Diárias: reembolso por Amplify", "A quem possa interessar"),
                "en": ("a national of Peru", "– Accommodation: paid in advance by Amplify", "To whom it may concern"),
                "fr": ("de nationalité Pérou", "– Voyage : paiement d’avance par Amplify", "À qui de droit")}


def test_visa_letter_in_each_language_is_edited_then_downloaded(app, login, factories):
    event, ana, _bea = delegation(app, factories)
    session = login("events")
    # The event's language (French) by default.
    assert "À qui de droit" in session.get(f"/invitations/{ana.id}/visa-letter").get_data(as_text=True)
    for language, (nationality, travel, greeting) in LETTER_WORDS.items():
        page = session.get(f"/invitations/{ana.id}/visa-letter?language={language}").get_data(as_text=True)
        assert greeting in page and "ANA MARIA QUISPE MAMANI" in page and "P123" in page
        text = page.split('name="text"')[1].split(">", 1)[1].split("</textarea>")[0]
        import html
        text = html.unescape(text) + "\n\nPosdata añadida a mano."
        response = session.post(f"/invitations/{ana.id}/visa-letter", {"language": language, "text": text})
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].endswith(f'-{language}.docx"')
        document, body = words(response.data)
        assert "ANA MARIA QUISPE MAMANI" in body and "P123" in body and nationality in body
        assert travel in body and "ILC 2027" in body and "Posdata añadida a mano." in body
        assert document.core_properties.language.startswith(language)
    with app.app_context():
        made = list(AuditEvent.select().where(AuditEvent.action == "invitation.letter"))
    assert len(made) == 4 and all("P123" not in e.summary and "QUISPE" not in e.summary for e in made)


def pdf_text(data):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)  # cells wrap


def test_the_letter_and_both_lists_also_download_as_pdf(app, login, factories):
    event, ana, _bea = delegation(app, factories)
    session = login("events")
    letter = session.post(f"/invitations/{ana.id}/visa-letter", {
        "language": "pt", "format": "pdf", "text": "Prezados senhores,\n\nANA MARIA QUISPE MAMANI — passaporte P123, “ação”."})
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    assert letter.headers["Content-Disposition"].endswith('-pt.pdf"')
    reader, text = pdf_text(letter.data)
    assert "ANA MARIA QUISPE MAMANI — passaporte P123, “ação”." in text  # beyond Latin-1, as typed
    assert reader.metadata.title == event.title and "P123" not in reader.metadata.title
    with app.app_context():
        made = AuditEvent.select().where(AuditEvent.action == "invitation.letter").get()
    assert made.summary_data() == {"language": "pt", "format": "pdf"}
    public = session.post(f"/invitations/events/{event.id}/delegation-list",
                          {"language": "es", "format": "pdf", "text": "Delegación para la prensa"})
    _reader, text = pdf_text(public.data)
    assert "Delegación para la prensa" in text and "Nombre" in text and "Ana Quispe" in text
    assert "Bea Lima" not in text and "ANA MARIA" not in text
    accreditation = session.post(f"/invitations/events/{event.id}/delegation-list", {
        "language": "en", "version": "passports", "format": "pdf", "text": "For accreditation"})
    _reader, text = pdf_text(accreditation.data)
    assert "Name as in the passport" in text and "ANA MARIA QUISPE MAMANI" in text


def test_a_letter_without_passport_details_says_what_is_missing(app, login, factories):
    event, _ana, bea = delegation(app, factories)
    session = login("events")
    page = session.get(f"/invitations/{bea.id}/visa-letter").get_data(as_text=True)
    assert "these are missing" in page and "Passport number" in page and "Nationality" in page
    refused = session.post(f"/invitations/{bea.id}/visa-letter", {"language": "es", "text": "Carta"})
    assert refused.status_code == 400 and "these are missing" in refused.get_data(as_text=True)
    with app.app_context():
        assert not AuditEvent.select().where(AuditEvent.action == "invitation.letter").exists()
    empty = session.post(f"/invitations/{_ana.id}/visa-letter", {"language": "es", "text": "  "})
    assert empty.status_code == 400


def test_public_delegation_list_hides_what_reports_hide(app, login, factories):
    event, ana, bea = delegation(app, factories)
    at_state(Invitation.get(Invitation.event == event.id, Invitation.state == "declined"), "accepted")
    session = login("viewer")
    page = session.get(f"/invitations/events/{event.id}/delegation-list?language=es").get_data(as_text=True)
    # Ana chose her full name; Bea is at high risk and never agreed to be named here;
    # Carla chose anonymity: counted, not named.
    assert "Ana Quispe" in page and "Bea Lima" not in page and "La Tejedora" not in page
    assert "Carla" not in page and "2 more people" in page and "ANA MARIA" not in page
    response = session.post(f"/invitations/events/{event.id}/delegation-list",
                            {"language": "es", "text": "Delegación para la prensa"})
    document, body = words(response.data)
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert cells[:3] == ["Nombre", "Rol", "Organización"] and "Ana Quispe" in cells
    assert "Bea Lima" not in cells and "La Tejedora" not in cells and "Delegación para la prensa" in body
    csv = session.get(f"/invitations/events/{event.id}/delegation-list.csv").get_data(as_text=True)
    assert "Ana Quispe" in csv and "Bea" not in csv and "Carla" not in csv


def test_accreditation_list_names_passports_for_contact_roles(app, login, factories):
    event, ana, bea = delegation(app, factories)
    from amplify.people.models import Activist

    Activist.update(display_name="=HYPERLINK(\"x\")").where(Activist.id == bea.activist_id).execute()
    session = login("events")
    page = session.get(f"/invitations/events/{event.id}/delegation-list?version=passports&language=en")
    assert "ANA MARIA QUISPE MAMANI" in page.get_data(as_text=True)
    response = session.post(f"/invitations/events/{event.id}/delegation-list",
                            {"language": "en", "version": "passports", "text": "For accreditation"})
    document, _body = words(response.data)
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Name as in the passport", "Nationality", "Role", "Organization"]
    assert ["ANA MARIA QUISPE MAMANI", "Peru", "Speaker", "Sindicato del Hogar"] in rows
    csv = session.get(f"/invitations/events/{event.id}/delegation-list.csv?version=passports").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and "ANA MARIA QUISPE MAMANI" in csv


def test_passport_name_and_nationality_are_saved_checked_and_purged(app, login, factories):
    from amplify.invitations.changes import purge

    invitation = factories.invitation(activist=factories.activist("Eva Mamani"))
    session = login("events")
    url = f"/invitations/{invitation.id}/visa"
    bad = session.post(url, {"passport_name": "EVA MAMANI", "nationality": "XX", "passport_number": "B1"})
    assert bad.status_code == 400 and "Choose a country from the list." in bad.get_data(as_text=True)
    assert Invitation.get_by_id(invitation.id).passport_name == ""  # nothing half-written
    assert session.post(url, {"passport_name": "EVA MAMANI", "nationality": "BO", "visa_required": "",
                              "passport_number": "B1"}).status_code == 302
    saved = Invitation.get_by_id(invitation.id)
    assert (saved.passport_name, saved.nationality, saved.passport_number) == ("EVA MAMANI", "BO", "B1")
    assert "EVA MAMANI" not in login("viewer").get(f"/invitations/{invitation.id}").get_data(as_text=True)
    with app.app_context():
        assert purge(saved.purge_on) == 1
        entry = AuditEvent.select().where(AuditEvent.action == "invitation.visa").get()
    purged = Invitation.get_by_id(invitation.id)
    assert (purged.passport_name, purged.nationality, purged.passport_number) == ("", "", "")
    assert "EVA" not in entry.summary and "B1" not in entry.summary


def per_diem_event(factories):
    event = factories.event("Conferencia 2027")
    Event.update(starts_on=date(2027, 6, 1), ends_on=date(2027, 6, 10)).where(Event.id == event.id).execute()
    ana, bea = factories.activist("=Ana Quispe"), factories.activist("Bea Lima")
    carla, dora = factories.activist("Carla Ríos"), factories.activist("Dora Paz")
    at_state(factories.invitation(event=event, activist=ana), "confirmed",
             travel_on=date(2027, 5, 30), return_on=date(2027, 6, 12))       # 13 nights
    at_state(factories.invitation(event=event, activist=bea), "accepted")    # the event's dates: 9 nights
    at_state(factories.invitation(event=event, activist=carla), "reserve")   # not travelling yet
    at_state(factories.invitation(event=event, activist=dora), "attended_remotely")
    return Event.get_by_id(event.id)


def test_per_diem_from_travel_dates_hand_computed(app, login, factories):
    event = per_diem_event(factories)
    session = login("events")
    assert session.post(f"/invitations/events/{event.id}/per-diem",
                        {"rate": "45.50", "currency": "usd"}).status_code == 302
    page = session.get(f"/invitations/events/{event.id}").get_data(as_text=True)
    # 45.50 × (13 + 9) = 1,001.00; Carla (reserve) and Dora (remote) are paid none.
    assert "45.50 USD a night × 22 nights of 2 people = 1,001.00 USD" in page
    going = page.split('id="going"')[1].split('id="seats"')[0]
    assert "591.50 USD" in going and "409.50 USD" in going
    csv = session.get(f"/invitations/events/{event.id}/per-diem.csv").get_data(as_text=True)
    lines = csv.lstrip("\ufeff").splitlines()
    assert lines[0] == "Person,Role,Travels on,Returns on,Nights,Per diem a night,Currency,Per diem"
    assert "'=Ana Quispe,Speaker,2027-05-30,2027-06-12,13,45.50,USD,591.50" in lines
    assert "Bea Lima,Speaker,2027-06-01,2027-06-10,9,45.50,USD,409.50" in lines
    assert lines[-1] == "Total,,,,22,45.50,USD,1001.00" and "Carla" not in csv and "Dora" not in csv
    assert login("viewer").get(f"/invitations/events/{event.id}/per-diem.csv").status_code == 403


def test_bad_per_diem_and_travel_dates_are_refused_with_nothing_written(app, login, factories):
    event = per_diem_event(factories)
    session = login("events")
    url = f"/invitations/events/{event.id}/per-diem"
    for rate, currency, message in [("-5", "USD", "A per diem cannot be negative."),
                                    ("50000", "USD", "between 0 and 10,000 a night"),
                                    ("abc", "USD", "Not a valid decimal value"),
                                    ("40", "U1", "Three letters, e.g. USD, EUR, BRL.")]:
        response = session.post(url, {"rate": rate, "currency": currency})
        assert response.status_code == 400 and message in response.get_data(as_text=True), rate
        assert Event.get_by_id(event.id).per_diem_cents is None
    ana = Invitation.select().where(Invitation.event == event.id).order_by(Invitation.id).first()
    trip = f"/invitations/{ana.id}/trip"
    for day, field, message in [("2026-06-01", "travel_on", "She leaves between 30 days before the event"),
                                ("2027-06-20", "travel_on", "She leaves between 30 days before the event"),
                                ("2027-05-20", "return_on", "She comes back between the event's first day"),
                                ("2027-12-01", "return_on", "She comes back between the event's first day")]:
        response = session.post(trip, {field: day, "risk_level": ""})
        assert response.status_code == 400 and message in response.get_data(as_text=True).replace("&#39;", "'")
    assert Invitation.get_by_id(ana.id).travel_on == date(2027, 5, 30)


def meeting_world(app, factories):
    from amplify.campaigns.models import Campaign

    campaign = factories.campaign("Ratificar el C190")
    spokesperson = factories.activist("Vocera Sindical", spokesperson_for=[factories.organization("Coordinadora")])
    message = factories.message(campaign, short_form="El C190 protege a las trabajadoras del hogar.",
                                long_form="Ratificar el C190 es proteger a quien cuida.",
                                call_to_action="Firmen la ratificación este año.")
    factories.approve(factories.variant(message), spokesperson)
    event, ana, bea = delegation(app, factories)
    Event.update(campaign=campaign.id).where(Event.id == event.id).execute()
    return Campaign.get_by_id(campaign.id), Event.get_by_id(event.id), ana, bea


def test_meeting_sheet_debrief_commitment_on_deadlines_and_in_the_report(app, login, factories):
    from amplify.invitations.models import Commitment, Meeting

    campaign, event, ana, bea = meeting_world(app, factories)
    session = login("events")
    new = f"/invitations/events/{event.id}/meetings/new"
    form = session.get(new).get_data(as_text=True)  # the event's language (French) chosen first
    assert '<option selected value="fr">' in form or '<option value="fr" selected>' in form
    fields = {"title": "Reunión con el Ministerio de Trabajo", "space": "Ministerio de Trabajo de Perú",
              "language": "es", "attendees": [str(ana.id), str(bea.id)],
              "asks": "Que el Perú anuncie la ratificación.", "background": "Ratificó el C189 en 2018.",
              "objections": "«No hay presupuesto» → la inspección ya existe."}
    # A day far from the event is refused, nothing written, the input kept.
    far = session.post(new, {**fields, "held_on": "2020-01-01"})
    assert far.status_code == 400 and "check the date" in far.get_data(as_text=True)
    assert "Ratificó el C189 en 2018." in far.get_data(as_text=True) and Meeting.select().count() == 0
    held_on = event.starts_on + timedelta(days=1)
    created = session.post(new, {**fields, "held_on": held_on.isoformat()})
    assert created.status_code == 302
    meeting = Meeting.get()
    # The sheet, in the meeting's language: Ana as she chose, Bea (high risk, no consent to
    # be named at the event) counted only; the campaign's approved talking point.
    sheet = session.get(f"/invitations/meetings/{meeting.id}/sheet").get_data(as_text=True)
    assert "Ana Quispe" in sheet and "Bea Lima" not in sheet and "La Tejedora" not in sheet
    assert "1 más de la delegación, sin nombrar" in sheet and "Lo que pedimos" in sheet
    assert "El C190 protege a las trabajadoras del hogar." in sheet and "Firmen la ratificación" in sheet
    word = session.get(f"/invitations/meetings/{meeting.id}/sheet?format=docx")
    document, body = words(word.data)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Quiénes asisten" in headings and "Objeciones que esperamos, y nuestras respuestas" in headings
    assert "Ana Quispe — Speaker" in body or "Ana Quispe — Ponente" in body
    assert "Bea Lima" not in body and "«No hay presupuesto» → la inspección ya existe." in body
    # Debrief: a follow-up needs a date; a commitment obtained with its date.
    url = f"/invitations/meetings/{meeting.id}/commitments"
    undated = session.post(url, {"kind": "follow_up", "who": "Rosa", "what": "Enviar el estudio"})
    assert undated.status_code == 400 and "A follow-up needs a due date." in undated.get_data(as_text=True)
    early = session.post(url, {"kind": "commitment", "who": "Viceministra", "what": "Anunciarlo",
                               "due_on": (held_on - timedelta(days=1)).isoformat()})
    assert early.status_code == 400 and Commitment.select().count() == 0
    due = held_on + timedelta(days=30)
    assert session.post(url, {"kind": "commitment", "who": "Viceministra Soto",
                              "what": "Presentar el C190 al Congreso", "due_on": due.isoformat()}).status_code == 302
    assert session.post(url, {"kind": "follow_up", "who": "Rosa", "what": "Enviar el estudio de costos",
                              "due_on": due.isoformat()}).status_code == 302
    assert session.post(f"/invitations/meetings/{meeting.id}/debrief",
                        {"debrief": "Nos escucharon.", "debriefed_on": held_on.isoformat()}).status_code == 302
    dashboard = session.get("/invitations/deadlines").get_data(as_text=True)
    assert "Viceministra Soto: Presentar el C190 al Congreso" in dashboard
    assert "Rosa: Enviar el estudio de costos" in dashboard
    report = session.get(f"/reports/campaigns/{campaign.slug}?since={held_on.replace(day=1)}"
                         f"&until={due}&lang=en").get_data(as_text=True)
    section = report.split('id="t-commitments"')[1].split("</section>")[0]
    assert "Commitments obtained" in report and "Viceministra Soto" in section
    assert "Presentar el C190 al Congreso" in section and "Rosa" not in section  # our follow-ups stay ours
    # Done: off the dashboard, still in the report.
    promised = Commitment.get(Commitment.kind == "commitment")
    session.post(f"/invitations/commitments/{promised.id}/done", {})
    assert "Viceministra Soto" not in session.get("/invitations/deadlines").get_data(as_text=True)


def test_her_page_shows_each_accepted_trip_in_her_language(app, factories):
    from amplify.invitations.changes import save_per_diem

    event = factories.event("Conferencia Internacional del Trabajo", country="CH")
    factories.in_context(save_per_diem)(Event.get_by_id(event.id), 4000, "USD")
    maria = factories.activist("María Quispe", languages=["es"])
    joana = factories.activist("Joana Silva", languages=["pt"], country="BR")
    hers = at_state(factories.invitation(event=event, activist=maria), "confirmed", visa_required=True,
                    passport_number="P777", travel_on=event.starts_on - timedelta(days=1))
    Support.create(invitation=hers, kind="travel", arrangement="booked", currency="USD", provided=True)
    Support.create(invitation=hers, kind="accommodation", arrangement="reimbursed", currency="USD")
    at_state(factories.invitation(event=event, activist=joana), "accepted", visa_required=False)
    rebuild_deadlines(app)
    client = app.test_client()
    _link, token = factories.link(maria)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    card = page.split(f'id="event-{hers.id}"')[1].split("</article>")[0]
    assert "Lo que sigue:" in card and "Mándanos los datos de tu pasaporte" in card  # no name nor nationality yet
    assert "Viaje: lo reservamos y lo pagamos nosotras. Ya está hecho." in card
    assert "Alojamiento: tú lo pagas y te lo devolvemos. Guarda los recibos." in card
    assert "Viáticos: 40.00 USD por noche, 11 noches: 440.00 USD." in card  # the day before + 10 nights
    assert "Un pasaporte válido por lo menos hasta el" in card and "Una visa, con nuestra carta de invitación." in card
    assert "P777" not in page
    Invitation.update(passport_name="MARIA QUISPE", nationality="PE",
                      visa_letter_sent_on=date.today()).where(Invitation.id == hers.id).execute()
    card = client.get(f"/r/{token}").get_data(as_text=True).split(f'id="event-{hers.id}"')[1]
    assert "Pide tu visa con la carta que te mandamos." in card and "MARIA QUISPE" not in card
    _link, token = factories.link(joana)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "O próximo passo:" in page and "Diga aqui embaixo se podemos dizer seu nome" in page
    card = page.split("O próximo passo:")[1].split("</article>")[0]
    assert "Diárias: 40.00 USD por noite, 10 noites: 400.00 USD." in card and "Um visto" not in card


def test_commitments_are_in_the_calendar_feed_one_entry_each(app, factories):
    from amplify.invitations.feeds import build
    from amplify.invitations.meetings import add_commitment
    from amplify.invitations.models import Meeting

    event = factories.event("ILC 2027")
    meeting = Meeting.create(event=event, title="Ministerio", held_on=event.starts_on, language="es")
    for who in ("Viceministra Soto", "Diputada Ramos"):
        factories.in_context(add_commitment)(meeting, "commitment", who, "Presentar el C190",
                                             event.starts_on + timedelta(days=5))
    with app.test_request_context():
        feed = build("https://amplify.example.org/", private=False).decode().replace("\r\n ", "")
    assert "Viceministra Soto: Presentar el C190" in feed and "Diputada Ramos: Presentar el C190" in feed
    assert len({line for line in feed.splitlines() if line.startswith("UID:due-commitment")}) == 2
