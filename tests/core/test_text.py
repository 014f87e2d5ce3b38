"""Text is stored clean: clean_text, the model fields that apply it, and the JSON it misses."""

import unicodedata
from collections import Counter

import pytest
from django.urls import reverse
from factories import CoalitionFactory, GuestFactory, MembershipFactory, WorkshopFactory
from hypothesis import given
from hypothesis import strategies as st

from coproduce.cafe.models import Cafe, Note, Table
from coproduce.coalitions.models import Role
from coproduce.conversations.models import Conversation, Statement
from coproduce.conversations.polis import import_polis
from coproduce.core.text import _clean_thoroughly, clean_text
from coproduce.reports import services as reports
from coproduce.workshops.models import AgendaItem

RLO, LRO, PDF, LRI, PDI = "\u202e", "\u202d", "\u202c", "\u2066", "\u2069"
ARABIC = "مرحبا بالعالم، كيف حالك؟"
HEBREW = "שלום עולם, מה שלומך?"
PERSIAN_ZWNJ = "می\u200cخواهم"
EMOJI_ZWJ = "👩\u200d💻 and 👍🏽"
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
DIRTY_NAME = f"Ann{RLO}exe.txt\x1b[2J\x1b[31m Lee\x07"


# -- clean_text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [ARABIC, HEBREW, PERSIAN_ZWNJ, EMOJI_ZWJ, ENGLAND, "Plain text, 100% ok."]
)
def test_ordinary_text_in_any_script_is_kept(text):
    assert clean_text(text) == text
    assert clean_text(text, multiline=False) == text


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_directional_marks_are_kept(mark):
    assert clean_text(f"{HEBREW}{mark} (2024)") == f"{HEBREW}{mark} (2024)"


def test_bidi_overrides_embeddings_and_isolates_are_dropped():
    assert clean_text(f"invoice{RLO}fdp.exe") == "invoicefdp.exe"
    assert clean_text(f"{LRO}a{PDF}{LRI}b{PDI}\u202a\u202b\u2067\u2068c") == "abc"
    assert clean_text(f"{ARABIC}{RLO}") == ARABIC


def test_terminal_escape_sequences_are_dropped_whole():
    assert clean_text("\x1b[31mred\x1b[0m \x1b[2Jcleared") == "red cleared"
    link = "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\"
    assert clean_text(link) == "click"
    assert clean_text("lone \x1b escape") == "lone  escape"


def test_nul_del_and_other_controls_are_dropped():
    assert clean_text("a\x00b\x01c\x08d\x7fe\x9bf\x80g") == "abcdefg"


def test_line_breaks_are_normalised():
    assert clean_text("one\r\ntwo\rthree\nfour\u2028five\u2029six") == (
        "one\ntwo\nthree\nfour\nfive\nsix"
    )
    assert clean_text("a\r\n\r\nb") == "a\n\nb"
    assert clean_text("tab\tkept") == "tab\tkept"


def test_single_line_turns_breaks_and_tabs_into_spaces():
    assert clean_text("first\r\nsecond\tthird\u2028fourth", multiline=False) == (
        "first second third fourth"
    )


def test_invisible_characters_are_dropped():
    assert clean_text("pay\u200bpal\ufeff\u2060") == "paypal"
    # Tag characters outside a flag smuggle invisible text.
    assert clean_text("hi\U000e0069\U000e0067\U000e006e\U000e006fre") == "hire"


def test_text_is_nfc_even_when_a_dropped_character_sat_inside_a_sequence():
    assert clean_text("cafe\u0301") == "café"
    assert clean_text("cafe\u200b\u0301") == "café"


# Characters the cleaner has an opinion about, mixed into arbitrary text.
SPECIAL = list(
    "\x00\x07\t\n\r\x0b\x0c\x1b[]\\\x7f\x85\x9b\u200b\u200c\u200d\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2028\u2029\u2066\u2067\u2068\u2069\ufeff\u0301e"
    "\ud800\U0001f3f4\U000e0067\U000e007f"
)
TEXTS = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(SPECIAL)), max_size=60)


@given(TEXTS, st.booleans())
def test_cleaning_is_idempotent(text, multiline):
    once = clean_text(text, multiline=multiline)
    assert clean_text(once, multiline=multiline) == once


@given(TEXTS, st.booleans())
def test_cleaning_never_adds_characters(text, multiline):
    # Compared decomposed: NFC may compose two characters into one, which is not an addition.
    before = Counter(unicodedata.normalize("NFD", text.replace("\ud800", "")))
    after = Counter(unicodedata.normalize("NFD", clean_text(text, multiline=multiline)))
    # Breaks and tabs may be respelled as "\n" or " ", never more of them than there were.
    breaks = sum(before[c] for c in "\r\n\x0b\x0c\x85\u2028\u2029\t")
    added = after - before
    assert set(added) <= {"\n", " "}
    assert sum(added.values()) <= breaks
    assert sum(after.values()) <= sum(before.values())


@given(TEXTS, st.booleans())
def test_cleaned_text_has_no_controls_or_overrides(text, multiline):
    kept = {"\t", "\n"} if multiline else set()
    for char in clean_text(text, multiline=multiline):
        assert char in kept or unicodedata.category(char) not in ("Cc", "Cs", "Zl", "Zp")
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"


# -- stored through the model fields ------------------------------------------------------------


@pytest.mark.django_db
def test_a_guest_is_saved_with_a_clean_single_line_name():
    guest = GuestFactory(display_name=f"{DIRTY_NAME}\r\nsecond line")
    assert guest.display_name == "Annexe.txt Lee second line"  # the instance holds it too
    guest.refresh_from_db()
    assert guest.display_name == "Annexe.txt Lee second line"


@pytest.mark.django_db
def test_statements_made_with_bulk_create_are_stored_clean():
    conversation = Conversation.objects.create(coalition=CoalitionFactory(), question="Q")
    Statement.objects.bulk_create(
        [
            Statement(conversation=conversation, text=f"Bus\x00 lanes{RLO}\r\nnow\x1b[5m"),
            Statement(conversation=conversation, text=f"{ARABIC}\n{HEBREW}"),
        ]
    )
    assert list(conversation.statements.values_list("text", flat=True)) == [
        "Bus lanes\nnow",
        f"{ARABIC}\n{HEBREW}",
    ]


@pytest.mark.django_db
def test_a_note_changed_with_queryset_update_is_stored_clean():
    workshop = WorkshopFactory()
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=9)
    cafe = Cafe.objects.create(agenda_item=item)
    table = Table.objects.create(cafe=cafe, name="One")
    note = Note.objects.create(cafe=cafe, table=table, round_number=1, text="first")
    Note.objects.filter(pk=note.pk).update(text=f"Trees\u200b{LRI}\x1b[1m\rshade{PDI}\x7f")
    note.refresh_from_db()
    assert note.text == "Trees\nshade"


@pytest.mark.django_db
def test_the_workshop_edit_form_stores_a_clean_title(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    client.force_login(organiser.person)
    data = {
        "title": f"Open {RLO}day\x1b[2J\u200b",
        "time_zone": "Europe/London",
        "starts_at": "2031-03-10T18:00",
        "ends_at": "2031-03-10T20:00",
        "venue": "Hall\u2028B",
        "summary": "Line one\r\nLine two\x07",
        "methodology": "",
    }
    response = client.post(reverse("workshops:edit", args=[workshop.slug]), data)
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title, workshop.venue, workshop.summary) == (
        "Open day",
        "Hall B",
        "Line one\nLine two",
    )


@pytest.mark.django_db
def test_a_polis_import_stores_clean_statements_and_question(tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        f'1,x,0,0,1,0,1,"Parks{RLO}\x1b[31m for all\r\nplease\x00"\n'
        f'2,x,1,0,0,0,1,"{HEBREW}"\n',
        newline="",
    )
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n10,x,0,7,1\n")
    (tmp_path / "summary.csv").write_text(f"topic,Our\x1b[2J city{RLO}\n")
    conversation = import_polis(tmp_path, coalition=CoalitionFactory())
    assert conversation.question == "Our city"
    assert list(conversation.statements.values_list("text", flat=True)) == [
        "Parks for all\nplease",
        HEBREW,
    ]


# -- text kept in JSON --------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_section_texts_are_stored_clean():
    report = reports.report_for(WorkshopFactory())
    draft = reports.draft_of(report)
    reports.save_texts(draft, {"summary": f"We met{RLO}\r\nand agreed\x1b[0m", "empty": "\x00"})
    draft.refresh_from_db()
    assert draft.texts == {"summary": "We met\nand agreed"}


@pytest.mark.django_db
def test_a_renamed_theme_label_is_stored_clean():
    report = reports.report_for(WorkshopFactory())
    theme = {"id": "t1", "label": "Old", "note_ids": [1], "example_id": 1, "terms": []}
    report.themes = {"questions": {"none": [theme]}, "method": "test", "edited": False}
    report.save()
    reports.edit_themes(report, "none", "rename", theme="t1", label=f"Bikes{RLO}\r\nlanes\x07")
    report.refresh_from_db()
    assert report.themes["questions"]["none"][0]["label"] == "Bikes lanes"


@given(st.text(alphabet=st.characters(max_codepoint=127)), st.booleans())
def test_the_quick_way_for_plain_ascii_gives_what_the_thorough_way_gives(value, multiline):
    # Escapes, CR and other controls are ASCII too: the quick way must leave them to the other.
    assert clean_text(value, multiline=multiline) == _clean_thoroughly(value, multiline=multiline)
