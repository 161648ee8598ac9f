from amplify.drafting.composer import THREAD_SEPARATOR, compose
from amplify.platforms import check, measure

LONG = ("Cuidamos hogares, niñas, niños y personas mayores para que otras personas puedan trabajar. "
        "Según la OIT, en el mundo hay 75,6 millones de trabajadoras y trabajadores del hogar, y el "
        "76,2 % son mujeres. El Convenio 189 de la OIT reconoce nuestros derechos laborales: jornada, "
        "salario mínimo, descanso semanal y protección social, igual que cualquier otra persona "
        "trabajadora.")
WORDING = {"long": LONG, "short": "El trabajo del hogar es trabajo: 75,6 millones de personas lo hacen.",
           "cta": "¡Exige que tu país ratifique el Convenio 189!"}
TAGS = ["#C189", "#TrabajoDelHogarEsTrabajo", "#DomesticWorkIsWork"]
LINK = "https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:C189"


def test_roomy_platforms_get_everything():
    for platform in ("mastodon", "linkedin", "facebook", "instagram"):
        draft = compose(WORDING, platform, TAGS, LINK)
        assert draft.form == "long" and draft.extras == ["cta", "hashtags", "link"], platform
        assert draft.text == "\n\n".join([LONG, WORDING["cta"], " ".join(TAGS), LINK])


def test_x_falls_back_to_the_short_form_and_keeps_whole_pieces():
    draft = compose(WORDING, "x", TAGS, LINK)
    assert draft.form == "short"
    assert check(draft.text, "x").fits
    assert WORDING["short"] in draft.text and LINK in draft.text
    for tag in TAGS:  # a hashtag is in whole or not at all
        assert tag in draft.text or tag[:5] not in draft.text


def test_hashtags_are_dropped_whole_when_space_runs_out():
    tight = {"short": "x" * 230}
    draft = compose(tight, "x", ["#C189", "#TrabajoDelHogarEsTrabajo"], "")
    assert draft.text.endswith("#C189 #TrabajoDelHogarEsTrabajo") or draft.text.endswith("#C189")
    assert measure(draft.text, "x") <= 280
    draft = compose({"short": "x" * 275}, "x", ["#C189", "#Largo"], "")
    assert draft.text == "x" * 275 and draft.extras == []
    with_link = compose({"long": "x" * 430, "short": "s"}, "threads", ["#C189"], "https://example.org/" + "p" * 80)
    assert with_link.form == "short" and with_link.extras == ["hashtags", "link"]  # the link wins


def test_nothing_fits_becomes_a_numbered_thread_at_sentence_boundaries():
    long_form = " ".join(f"Frase número {n} del hilo, con bastante texto para ocupar espacio." for n in range(12))
    draft = compose({"long": long_form, "short": "y" * 400}, "x", TAGS, LINK)
    assert draft.form == "thread" and draft.is_thread
    total = len(draft.posts)
    for number, post in enumerate(draft.posts, start=1):
        assert post.endswith(f" {number}/{total}")
        assert check(post, "x").fits
    body = " ".join(post.rsplit(" ", 1)[0] for post in draft.posts)
    for n in range(12):  # every sentence whole, in order
        assert f"Frase número {n} del hilo, con bastante texto para ocupar espacio." in body
    assert LINK in draft.posts[-1]
    assert THREAD_SEPARATOR.join(draft.posts) == draft.text


def test_a_sentence_longer_than_a_post_is_split_between_words():
    words = " ".join(f"palabra{n}" for n in range(80))
    draft = compose({"long": words + "."}, "x")
    assert draft.is_thread
    rebuilt = " ".join(post.rsplit(" ", 1)[0] for post in draft.posts)
    assert rebuilt == words + "."


def test_platforms_without_threads_get_nothing_rather_than_a_cut_text():
    draft = compose({"long": "z" * 5000}, "linkedin")
    assert draft.posts == [] and draft.form == "none"


def test_the_short_form_with_call_to_action_and_link_beats_the_long_form_without():
    long_form = "Cuidamos hogares para que otras personas puedan trabajar, " * 4  # 240 characters
    wording = {"long": long_form.strip(), "short": "El trabajo del hogar es trabajo.",
               "cta": "¡Exige que tu país ratifique el Convenio 189!"}
    draft = compose(wording, "x", ["#C189"], "https://www.ilo.org/c189")
    assert draft.form == "short" and draft.extras == ["cta", "hashtags", "link"]
    assert draft.text == "\n\n".join([wording["short"], wording["cta"], "#C189", "https://www.ilo.org/c189"])
    [(post, fit)] = draft.counted
    assert post == draft.text and fit.length == measure(draft.text, "x") and fit.fits
    # Without room for the call to action, the link still goes first.
    no_cta_room = compose(dict(wording, short="x" * 220), "x", [], "https://www.ilo.org/c189")
    assert no_cta_room.extras == ["link"] and no_cta_room.text.endswith("https://www.ilo.org/c189")
