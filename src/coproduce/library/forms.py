"""Forms for writing entries, proposing corrections and deciding on them.

The forms only check and shape what people typed; the writes go through `library.services`
(which keeps revisions, facets and the search index in step). The Participedia fields with a
known list of values are checkboxes or a select with our labels; values an entry already holds
that the list does not know are offered too, so saving an imported entry loses none of them.
"""

import re

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import labels
from .models import BODY_MAX, DESCRIPTION_MAX, TITLE_MAX, Entry, Kind
from .services import AS_COPRODUCTION, EDITABLE, PRACTICE, changes_from

LINKS_MAX = 20
LINK_LABEL_MAX = 200
TOPICS_MAX = 10
PARTICIPEDIA_PICKS_MAX = 3  # Participedia ranks up to three answers per question
YEAR = re.compile(r"^\d{4}$")

# Multi-value fields offered as checkboxes (name -> at most how many may be ticked).
CHECKBOXES = {
    "issues": PARTICIPEDIA_PICKS_MAX,
    "purposes": PARTICIPEDIA_PICKS_MAX,
    "approaches": PARTICIPEDIA_PICKS_MAX,
    "method_types": PARTICIPEDIA_PICKS_MAX,
    "decision_methods": PARTICIPEDIA_PICKS_MAX,
    "organiser_types": PARTICIPEDIA_PICKS_MAX,
    "four_cos": len(labels.FOUR_COS),
}
# One value from a list, or none.
SELECTS = ("iap2_level", "recruitment", "mode", "ladder_step", "language")


def _label_of(name: str):
    return Entry._meta.get_field(name).verbose_name


class EntryForm(forms.Form):
    """Every field a person may write on an entry, grouped on the page by `SECTIONS`."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.CASE
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Short description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what happened, where, and why it matters."),
    )
    body = forms.CharField(
        label=_("Full text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown: # for headings, * for lists, [words](https://…) for links. "
            "Pictures and HTML are not shown."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the text"), required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    province = forms.CharField(label=_("Province or region"), max_length=120, required=False)
    country = forms.CharField(label=_("Country"), max_length=120, required=False)
    start_year = forms.CharField(
        label=_("From (year)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    end_year = forms.CharField(
        label=_("To (year)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
        help_text=_("Leave empty if it is still going on."),
    )
    links = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the address, then what it is. https://example.org/plan The plan"
        ),
    )
    licence = forms.CharField(label=_("Licence of the text"), max_length=200, required=False)
    issues = forms.MultipleChoiceField(
        label=_("Issues"), required=False, widget=forms.CheckboxSelectMultiple
    )
    topics = forms.CharField(
        label=_("Specific topics"),
        required=False,
        help_text=_("Separated by commas, for example: budget, housing, public space."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    approaches = forms.MultipleChoiceField(
        label=_("Approaches"), required=False, widget=forms.CheckboxSelectMultiple
    )
    method_types = forms.MultipleChoiceField(
        label=_("Kinds of method"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision_methods = forms.MultipleChoiceField(
        label=_("How decisions were made"), required=False, widget=forms.CheckboxSelectMultiple
    )
    organiser_types = forms.MultipleChoiceField(
        label=_("Who organised it"), required=False, widget=forms.CheckboxSelectMultiple
    )
    iap2_level = forms.ChoiceField(label=_("Level of public participation"), required=False)
    participants = forms.IntegerField(
        label=_("Number of participants"), required=False, min_value=0, max_value=2_000_000_000
    )
    recruitment = forms.ChoiceField(label=_("How participants were found"), required=False)
    mode = forms.ChoiceField(label=_("Face to face or online"), required=False)
    four_cos = forms.MultipleChoiceField(
        label=_("The four Co's"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Which parts of the work people shared: commissioning, design, delivery, assessment."
        ),
    )
    ladder_step = forms.ChoiceField(label=_("Step on the ladder of co-production"), required=False)
    decision_rights = forms.CharField(
        label=_("Who holds the decision rights"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    SECTIONS = (
        (_("What it is"), ("kind", "title", "description", "body", "language")),
        (_("Where and when"), ("city", "province", "country", "start_year", "end_year")),
        (_("Sources and licence"), ("links", "licence")),
        (_("How it worked"), PRACTICE),
        (_("As coproduction"), AS_COPRODUCTION),
    )

    def __init__(self, *args, entry: Entry | None = None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(entry)
        super().__init__(*args, **kwargs)
        held = kwargs.get("initial") or {}
        self.held = held
        for name in CHECKBOXES:
            self.fields[name].choices = labels.choices(name, keep=held.get(name) or [])
        for name in SELECTS:
            keep = [held[name]] if held.get(name) else []
            self.fields[name].choices = [("", "—"), *labels.choices(name, keep=keep)]

    def sections(self):
        """(heading, [bound fields]) for the template's fieldsets."""
        return [(heading, [self[name] for name in names]) for heading, names in self.SECTIONS]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the entry a title."))
        return title

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) > BODY_MAX:
            raise forms.ValidationError(
                _(
                    "The full text is %(length)s characters long; at most %(limit)s fit. "
                    "Shorten it, or link to the full document under Sources."
                )
                % {"length": f"{len(body):,}", "limit": f"{BODY_MAX:,}"}
            )
        return body

    def clean_start_year(self):
        return _year(self.cleaned_data["start_year"])

    def clean_end_year(self):
        return _year(self.cleaned_data["end_year"])

    def clean_links(self):
        return parse_links(self.cleaned_data["links"])

    def clean_topics(self):
        topics = [t.strip() for t in self.cleaned_data["topics"].split(",") if t.strip()]
        topics = list(dict.fromkeys(topic[:120] for topic in topics))
        if len(topics) > TOPICS_MAX:
            raise forms.ValidationError(
                _("At most %(n)s topics; keep the ones that matter most.") % {"n": TOPICS_MAX}
            )
        return topics

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year cannot be before the start year."))
        for name, most in CHECKBOXES.items():
            if len(cleaned.get(name) or []) > most:
                self.add_error(
                    name,
                    ngettext("Pick at most %(n)s answer.", "Pick at most %(n)s answers.", most)
                    % {"n": most},
                )
        return cleaned

    def entry_data(self) -> dict:
        """The cleaned values as `services.create_entry` and `update_entry` take them."""
        data = {name: self.cleaned_data[name] for name in EDITABLE if name in self.cleaned_data}
        data["language"] = data.get("language") or "en"
        for name in CHECKBOXES:
            if name in data:
                data[name] = _ranked(data[name], self.held.get(name) or [])
        return data


def _ranked(picked: list[str], before: list[str]) -> list[str]:
    """Participedia ranks its answers: values the entry had keep their order, new ones follow
    (checkboxes post in the order of the page, which would lose the ranking)."""
    kept = [value for value in before if value in picked]
    return kept + [value for value in picked if value not in kept]


def _year(value: str):
    value = (value or "").strip()
    if not value:
        return None
    if not YEAR.match(value):
        raise forms.ValidationError(_("Write the year with four digits, for example 2017."))
    return int(value)


def parse_links(text: str) -> list[dict]:
    """Sources typed one per line as `URL label` into [{"url", "label"}]."""
    check = URLValidator(schemes=["http", "https"])
    links, errors = [], []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        url, _space, label = line.partition(" ")
        try:
            check(url)
        except forms.ValidationError:
            errors.append(
                _("Line %(n)s does not start with a web address (https://…).") % {"n": number}
            )
            continue
        links.append({"url": url, "label": label.strip()[:LINK_LABEL_MAX]})
    if len(links) > LINKS_MAX:
        errors.append(_("At most %(n)s sources.") % {"n": LINKS_MAX})
    if errors:
        raise forms.ValidationError(errors)
    return links


def links_text(links: list) -> str:
    lines = []
    for link in links or []:
        if isinstance(link, dict) and link.get("url"):
            lines.append(f"{link['url']} {link.get('label', '')}".strip())
    return "\n".join(lines)


def initial_of(entry: Entry) -> dict:
    """An entry's values as the form shows them."""
    initial = {name: getattr(entry, name) for name in EDITABLE}
    initial["links"] = links_text(entry.links)
    initial["topics"] = ", ".join(entry.topics or [])
    for name in ("start_year", "end_year"):
        initial[name] = "" if initial[name] is None else str(initial[name])
    return initial


class NewEntryForm(EntryForm):
    note = forms.CharField(
        label=_("Where this comes from"),
        max_length=300,
        required=False,
        help_text=_("Optional: a word for the moderators, e.g. “from our visit to Ghent”."),
    )


def revision_read() -> forms.IntegerField:
    """The hidden number of the revision the person started from."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=2_000_000_000,
        error_messages={
            key: _("This form is out of date: open the entry's page again.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )


class EditEntryForm(EntryForm):
    base = revision_read()
    note = forms.CharField(
        label=_("What you changed"),
        max_length=300,
        required=False,
        help_text=_("A few words for the history, e.g. “added the 2019 evaluation”."),
    )


class CorrectionForm(EntryForm):
    reason = forms.CharField(
        label=_("Why this correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what was wrong and how you know (a source helps the editors decide)."),
    )

    # The revision the person read, so a later edit is never undone by accepting this.
    base = revision_read()

    def __init__(self, *args, entry: Entry, **kwargs):
        super().__init__(*args, entry=entry, **kwargs)
        self.entry = entry

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.changed_fields():
            raise forms.ValidationError(
                _("You changed nothing. Change the fields that are wrong, then send it.")
            )
        return cleaned

    def changed_fields(self) -> dict:
        return changes_from(self.entry, self.entry_data(), self.cleaned_data.get("base"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.HiddenInput
    )
    reply = forms.CharField(
        label=_("Your reply to the person who proposed it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", "publish"), ("decline", "decline")])


class CompareForm(forms.Form):
    """Which two revisions the history page compares (from the query string)."""

    start = forms.IntegerField(min_value=0, max_value=2_000_000_000, required=False)
    end = forms.IntegerField(min_value=1, max_value=2_000_000_000, required=False)
