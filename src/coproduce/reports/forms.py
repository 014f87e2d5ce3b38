from django import forms
from django.utils.translation import gettext_lazy as _

from .builder import SECTION_KEYS, section_titles
from .models import ReportVersion

TEXT_MAX = 50_000


class SectionTextsForm(forms.Form):
    """One Markdown text per section of the report."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        titles = section_titles()
        for key in SECTION_KEYS:
            self.fields[key] = forms.CharField(
                label=titles[key],
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 6 if key == "conclusions" else 3}),
                help_text=_("Markdown. Shown before the section's figures and tables."),
            )


class PublishForm(forms.ModelForm):
    class Meta:
        model = ReportVersion
        fields = ["visibility"]
        widgets = {"visibility": forms.RadioSelect}


class ThemeEditForm(forms.Form):
    """One edit of one question's themes; which fields matter depends on the edit."""

    edit = forms.ChoiceField(
        choices=[(e, e) for e in ("rename", "merge", "split", "move_up", "move_down", "move_notes")]
    )
    question = forms.CharField(max_length=40)
    theme = forms.IntegerField(required=False)
    into = forms.IntegerField(required=False)
    notes = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    label = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, note_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].choices = [(n, n) for n in note_ids]

    def clean(self):
        cleaned = super().clean()
        edit = cleaned.get("edit")
        needs = {
            "rename": ("theme", "label"),
            "merge": ("theme", "into"),
            "split": ("theme", "notes"),
            "move_up": ("theme",),
            "move_down": ("theme",),
            "move_notes": ("notes", "into"),
        }.get(edit, ())
        for name in needs:
            if cleaned.get(name) in (None, "", []):
                self.add_error(
                    name if name in self.fields else None, _("This is needed for that change.")
                )
        return cleaned
