from amplify.drafting.safety import check_text


class Person:
    def __init__(self, display_name):
        self.display_name = display_name


def kinds(text, people=()):
    return [w.kind for w in check_text(text, people)]


def test_finds_what_could_lead_to_a_person():
    assert kinds("Llámala al +51 987 654 321 mañana") == ["phone"]
    assert kinds("Escribe a rosa.m@example.org") == ["email"]
    assert kinds("Nos vemos en la Calle Los Olivos 1234") == ["street"]
    # With or without the comma Brazilian addresses put before the number.
    assert kinds("Rua das Flores, 88") == kinds("Rua das Flores 88") == ["street"]
    assert kinds("Av. Brasil, 500, apto 3") == ["street"]
    assert kinds("Estamos en -12.046374, -77.042793") == ["coordinates"]
    assert kinds("Hablamos con Rosa Mamani en la plaza", [Person("Rosa Mamani")]) == ["high_risk_name"]


def test_leaves_ordinary_campaign_text_alone():
    text = ("El 16 de junio de 2011 la OIT adoptó el Convenio 189: 75,6 millones de trabajadoras, "
            "el 76,2 % mujeres. https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:C189 "
            "#C189 {rosa-mamani}")
    assert kinds(text, [Person("Rosa Mamani")]) == []
