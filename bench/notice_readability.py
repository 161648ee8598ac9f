"""Plain words (issue 14): each consent notice, filled in as a person reads it before
deciding on a post on X, scored with a readability formula made for its language —
Spanish Fernández-Huerta and Szigriszt-Pazos (INFLESZ: 55–65 normal, 65–80 fairly easy,
> 80 very easy), English Flesch reading ease (60–70 plain, >= 80 easy), French
Kandel–Moles (textstat's "fr" Flesch), and for Portuguese both textstat's "pt" Flesch
(English constants over Portuguese syllables, so about 42 points lower than the scale
readers know) and the Martins et al. (1996) adaptation, 248.835 − 1.015·ASL − 84.6·ASW,
on the same counts (75–100 very easy, 50–75 easy). Prints every version side by side.

textstat is pinned below 0.7.4: later versions count English syllables with NLTK's
cmudict, a download at run time that an offline machine cannot make.
Run: .venv/bin/python bench/notice_readability.py
"""

import tempfile
from types import SimpleNamespace

import textstat

from amplify import create_app
from amplify.consent import notices

LANGUAGES = ("es", "pt", "en", "fr")
CAMPAIGN = {"es": "El trabajo del hogar es trabajo", "pt": "Trabalho doméstico é trabalho",
            "en": "Domestic work is work", "fr": "Le travail domestique est un travail"}


def scores(language, text):
    """``{formula: score}`` for ``text`` in ``language`` (higher is easier)."""
    textstat.set_lang(language)
    if language == "es":
        return {"Fernández-Huerta": textstat.fernandez_huerta(text),
                "Szigriszt-Pazos": textstat.szigriszt_pazos(text)}
    if language == "pt":
        martins = 248.835 - 1.015 * textstat.avg_sentence_length(text) - 84.6 * textstat.avg_syllables_per_word(text)
        return {"Flesch (textstat)": textstat.flesch_reading_ease(text), "Martins et al.": martins}
    return {"Flesch": textstat.flesch_reading_ease(text)}


def filled(version, language):
    """The notice for a post on X naming her, until a year from now, as her page shows it."""
    item = SimpleNamespace(kind="post", channel="x", campaign=SimpleNamespace(names=CAMPAIGN))
    return notices.for_item(item, language, None, version=version).text


def measure(app):
    """``{(version, language): {formula: score}}`` for every notice version."""
    with app.app_context():
        return {(version, language): scores(language, filled(version, language))
                for version in notices.versions() for language in LANGUAGES}


def main():
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp()})
    results = measure(app)
    print(f"{'language':<9} {'formula':<17} " + " ".join(f"{v:>6}" for v in sorted({v for v, _l in results})))
    for language in LANGUAGES:
        for formula in results[("v1", language)]:
            row = " ".join(f"{results[(v, language)][formula]:>6.1f}" for v in sorted({v for v, _l in results}))
            print(f"{language:<9} {formula:<17} {row}")


if __name__ == "__main__":
    main()
