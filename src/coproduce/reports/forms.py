from django import forms
from django.conf import settings
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
    # Not required: left out, the version is published in the organiser's own language.
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ReportVersion
        fields = ["visibility", "language"]
        widgets = {"visibility": forms.RadioSelect}
