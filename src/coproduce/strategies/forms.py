"""Forms for writing and amending a strategy. They check and shape what people typed and name
the field at fault; the writes go through `strategies.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.text import clean_text

from .models import REASON_MAX, TEXT_MAX, TITLE_MAX
from .services import SECTIONS_MAX

MARKDOWN_HELP = _("Markdown: blank lines between paragraphs, * for lists, **bold**.")


def _clean_title(value: str, message) -> str:
    # A title of only invisible characters is empty once cleaned: say so on its field.
    title = clean_text(value or "", multiline=False).strip()
    if not title:
        raise forms.ValidationError(message)
    return title


def _text_field(label, *, required=False, rows=8, help_text=MARKDOWN_HELP, limit=TEXT_MAX):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Title of the strategy"), max_length=TITLE_MAX)

    def clean_title(self):
        return _clean_title(self.cleaned_data["title"], _("Give the strategy a title."))


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=TITLE_MAX)
    text = _text_field(_("Its words"))

    def clean_title(self):
        return _clean_title(self.cleaned_data["title"], _("Every section needs a title."))


class BaseSectionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.sections():
            raise forms.ValidationError(_("Write at least one section: a title and its words."))

    def sections(self) -> list[tuple[str, str]]:
        """The sections filled in, in the order they were typed (empty rows left out)."""
        return [
            (form.cleaned_data["title"], form.cleaned_data.get("text", ""))
            for form in self.forms
            if form.has_changed() and form.cleaned_data.get("title")
        ]


SectionFormSet = forms.formset_factory(
    SectionForm,
    formset=BaseSectionFormSet,
    extra=3,
    max_num=SECTIONS_MAX,
    validate_max=True,
)


def _revision(value) -> int | None:
    """The section's revision the page was loaded with; None when it is missing or broken."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class EditSectionForm(SectionForm):
    # The section's revision when the page was loaded: saving over newer words asks first.
    revision = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_revision(self):
        return _revision(self.cleaned_data.get("revision"))


class AmendmentForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=TITLE_MAX)
    text = _text_field(_("The words you propose"), required=True)
    why = _text_field(
        _("Why"),
        required=True,
        rows=4,
        limit=REASON_MAX,
        help_text=_("What your wording changes, and why it matters."),
    )
    # The section's revision the proposer read (none for a new section).
    revision = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_revision(self):
        return _revision(self.cleaned_data.get("revision"))

    def clean_title(self):
        return _clean_title(self.cleaned_data["title"], _("Give the section a title."))


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    ACCEPT, MERGE, DECLINE = "accept", "merge", "decline"
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("Accept it")),
            (MERGE, _("Merge it into another amendment")),
            (DECLINE, _("Decline it")),
        ],
    )
    reason = forms.CharField(
        label=_("Your reason, shown to everyone"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you merge or decline it; welcome when you accept it."),
    )
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        required=False,
        queryset=None,
        empty_label="—",
    )
    seen_changes = forms.BooleanField(
        label=_("I have read the section's words as they are now, and still accept this."),
        required=False,
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = targets
        self.fields["into"].label_from_instance = lambda amendment: amendment.title

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        reason = (data.get("reason") or "").strip()
        if decision == self.DECLINE and not reason:
            self.add_error("reason", _("Say why you decline it: everyone will read the reason."))
        if decision == self.MERGE:
            if not reason:
                self.add_error("reason", _("Say why you merge it: everyone will read the reason."))
            if not data.get("into") and "into" not in self.errors:
                self.add_error("into", _("Choose the amendment it is merged into."))
        return data
