"""Forms for drafting a charter. They check and shape what people typed and name the field at
fault; the writes go through `charters.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.text import clean_text

from . import frameworks
from .models import PREAMBLE_MAX, TEXT_MAX, TITLE_MAX
from .services import PRINCIPLES_MAX, WHAT_CHANGED_MAX, Wording

BLANK, FRAMEWORK, WORKSHOP = "blank", "framework", "workshop"


class StartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    start = forms.ChoiceField(
        label=_("Start from"),
        widget=forms.RadioSelect,
        initial=FRAMEWORK,
        choices=[
            (FRAMEWORK, _("A built-in framework")),
            (WORKSHOP, _("The themes of one of the coalition's workshops")),
            (BLANK, _("A blank page")),
        ],
    )
    framework = forms.ChoiceField(label=_("Framework"), required=False)
    workshop = forms.ChoiceField(label=_("Workshop"), required=False)
    preamble = forms.CharField(
        label=_("Preamble"),
        required=False,
        max_length=PREAMBLE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this charter exists and who it is for. You can change it later."),
    )

    def __init__(self, *args, workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = frameworks.choices()
        self.fields["workshop"].choices = [("", "—")] + [(str(w.pk), w.title) for w in workshops]
        self.workshops = {str(w.pk): w for w in workshops}

    def clean(self):
        data = super().clean()
        start = data.get("start")
        if start == FRAMEWORK and not data.get("framework"):
            self.add_error("framework", _("Choose a framework."))
        if start == WORKSHOP and not data.get("workshop"):
            self.add_error("workshop", _("Choose a workshop."))
        return data

    def choice(self) -> dict:
        start = self.cleaned_data["start"]
        return {
            "framework": self.cleaned_data["framework"] if start == FRAMEWORK else "",
            "workshop": self.workshops.get(self.cleaned_data["workshop"])
            if start == WORKSHOP
            else None,
        }


class HeaderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    preamble = forms.CharField(
        label=_("Preamble"),
        required=False,
        max_length=PREAMBLE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: blank lines between paragraphs, * for lists."),
    )
    what_changed = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=WHAT_CHANGED_MAX,
        help_text=_("One line for the list of versions, e.g. “Shorter preamble”."),
    )
    base = forms.IntegerField(widget=forms.HiddenInput, required=False)


class WordingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    meaning = forms.CharField(
        label=_("What it means"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    asks = forms.CharField(
        label=_("What it asks of signatories"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_title(self):
        # A title of only invisible characters is empty once cleaned: say so on this field.
        title = clean_text(self.cleaned_data["title"], multiline=False).strip()
        if not title:
            raise forms.ValidationError(_("Every principle needs a title."))
        return title

    def wording(self, pk=None) -> Wording:
        data = self.cleaned_data
        return Wording(data["title"], data.get("meaning", ""), data.get("asks", ""), pk)


class PrincipleForm(WordingForm):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)


class BasePrincipleFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def removed(self) -> list[int]:
        """The principles ticked "Remove": only these are taken out of the draft."""
        return [
            form.cleaned_data["pk"] for form in self.deleted_forms if form.cleaned_data.get("pk")
        ]

    def wordings(self) -> list[Wording]:
        """The principles kept, in the order asked for (numbers first, then as listed)."""
        kept = [
            form for form in self.ordered_forms if form.has_changed() or form.cleaned_data.get("pk")
        ]
        return [form.wording(form.cleaned_data.get("pk")) for form in kept]


PrincipleFormSet = forms.formset_factory(
    PrincipleForm,
    formset=BasePrincipleFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    max_num=PRINCIPLES_MAX,
    validate_max=True,
)


def principle_initial(principles) -> list[dict]:
    return [
        {"pk": p.pk, "title": p.title, "meaning": p.meaning, "asks": p.asks, "ORDER": i + 1}
        for i, p in enumerate(principles)
    ]


def snapshot_initial(snapshot: list[dict]) -> list[dict]:
    """The rows as the edit page showed them: from the version the edit started from (the
    posted rows follow it, not the draft as it is now)."""
    return [
        {
            "pk": row.get("principle"),
            "title": row.get("title", ""),
            "meaning": row.get("meaning", ""),
            "asks": row.get("asks", ""),
            "ORDER": i + 1,
        }
        for i, row in enumerate(snapshot)
    ]


class ProposalForm(WordingForm):
    reason = forms.CharField(
        label=_("Why"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What your wording changes, and why it matters to you."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(ACCEPT, _("Accept the change")), (DECLINE, _("Decline it"))],
    )
    reply = forms.CharField(
        label=_("Reply to the proposer"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you decline: say why."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.DECLINE and not (data.get("reply") or "").strip():
            self.add_error("reply", _("Say why you decline it: the proposer is owed a reply."))
        return data
