"""The form that brings an entry into the work: which entry, which café question, and why.

The entry is any entry the person may see (checked on the server, whatever the page offered);
the list offered is short, either what the person searched for or the latest entries, so the
form stays small however large the library grows. The question must be one of this workshop's.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.countries import country_name
from coproduce.workshops.models import AgendaQuestion

from .models import Entry, Link
from .rules import sight, visible_entries
from .search import engine

OFFERED = 30  # entries in the list when the person has not searched
FOUND = 20  # entries in the list after a search
SEARCH_MAX = 200


def offered_entries(user, words: str = "") -> list[Entry]:
    """What the entry list offers: the best matches for the words, or the latest entries."""
    seen = sight(user)
    words = " ".join(words.split())[:SEARCH_MAX]
    if words:
        return [hit.entry for hit in engine.search(words, sight=seen, limit=FOUND).hits]
    return list(Entry.objects.filter(seen.q()).order_by("-updated_at", "-pk")[:OFFERED])


def entry_label(entry: Entry) -> str:
    where = ", ".join(part for part in (entry.city, country_name(entry.country)) if part)
    kind = entry.get_kind_display()
    return f"{entry.title} ({kind}, {where})" if where else f"{entry.title} ({kind})"


class LinkForm(forms.Form):
    entry = forms.ModelChoiceField(
        label=_("Entry from the library"),
        queryset=Entry.objects.none(),
        error_messages={
            "invalid_choice": _("Choose an entry from the list."),
            "required": _("Choose an entry from the list."),
        },
    )
    question = forms.ModelChoiceField(
        label=_("Café question it was discussed under"),
        queryset=AgendaQuestion.objects.none(),
        required=False,
        empty_label=_("The workshop as a whole"),
        error_messages={"invalid_choice": _("Choose one of this workshop's questions.")},
    )
    note = forms.CharField(
        label=_("Why it matters here (optional)"),
        max_length=Link._meta.get_field("note").max_length,
        required=False,
    )

    def __init__(self, *args, user, workshop=None, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Checked against every entry the person may see; only a few are listed.
        self.fields["entry"].queryset = Entry.objects.filter(visible_entries(user))
        choices = [("", _("Choose an entry"))]
        choices += [(entry.pk, entry_label(entry)) for entry in offered]
        self.fields["entry"].widget.choices = choices
        if workshop is None:
            del self.fields["question"]
        else:
            questions = AgendaQuestion.objects.filter(agenda_item__workshop=workshop)
            self.fields["question"].queryset = questions.select_related("agenda_item").order_by(
                "agenda_item__order", "order", "pk"
            )
