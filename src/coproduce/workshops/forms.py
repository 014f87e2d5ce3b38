import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.timezones import DEFAULT_ZONE, time_zone_choices
from coproduce.people.sectors import sector_field

from .models import AgendaItem, Conclusion, Contributor, DesiredOutcome, Workshop

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


def _as_wall_clock(value: datetime) -> datetime:
    """The time as typed, without a zone: Django read it in the current (UTC) zone."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


class WorkshopForm(forms.ModelForm):
    """Start and end are typed as wall-clock times in the workshop's own time zone."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Workshop
        fields = [
            "title",
            "time_zone",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "capacity",
            "reminder_time",
            "summary",
            "methodology",
        ]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "methodology": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, coalition=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A new workshop starts in its coalition's zone.
        self.fields["time_zone"].initial = (
            self.instance.time_zone if self.instance.pk else getattr(coalition, "time_zone", None)
        ) or DEFAULT_ZONE
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [LOCAL_INPUT, "%Y-%m-%d %H:%M"]
            value = getattr(self.instance, name, None)
            if self.instance.pk and value:
                self.initial[name] = value.astimezone(self.instance.tz).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if not zone_name:
            return cleaned
        zone = zoneinfo.ZoneInfo(zone_name)
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name):
                cleaned[name] = _as_wall_clock(cleaned[name]).replace(tzinfo=zone)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The workshop must end after it starts."))
        return cleaned


class ContributorForm(forms.ModelForm):
    class Meta:
        model = Contributor
        fields = ["name", "affiliation", "is_organiser", "is_speaker", "is_facilitator", "order"]

    def clean(self):
        cleaned = super().clean()
        roles = ("is_organiser", "is_speaker", "is_facilitator")
        if cleaned.get("name") and not any(cleaned.get(role) for role in roles):
            raise forms.ValidationError(_("Tick at least one: organiser, speaker or facilitator."))
        return cleaned


class DesiredOutcomeForm(forms.ModelForm):
    class Meta:
        model = DesiredOutcome
        fields = ["text", "order"]


class ConclusionForm(forms.ModelForm):
    class Meta:
        model = Conclusion
        fields = ["text", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AgendaItemForm(forms.ModelForm):
    """An agenda item, with its questions typed one per line (`LABEL: question` or just text)."""

    questions = forms.CharField(
        label=_("Questions or topics"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line. Start with a label and a colon to name it, e.g. POLICY: ..."),
    )

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "kind", "speaker", "minutes", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["questions"] = "\n".join(
                f"{q.label}: {q.text}" if q.label else q.text for q in self.instance.questions.all()
            )

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if minutes is not None and minutes < 1:
            raise forms.ValidationError(_("An agenda item lasts at least one minute."))
        return minutes

    def clean_questions(self) -> list[tuple[str, str]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["questions"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            label, sep, text = line.partition(":")
            if not sep or len(label) > 60 or not text.strip():
                label, text = "", line
            if len(text) > 1000:
                raise forms.ValidationError(
                    _("Line %(n)s is longer than 1,000 characters.") % {"n": number}
                )
            parsed.append((label.strip(), text.strip()))
        return parsed


class AgendaFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        total = sum(
            form.cleaned_data.get("minutes") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        length = self.instance.duration_minutes
        if total > length:
            raise forms.ValidationError(
                _(
                    "The agenda takes %(total)s minutes but the workshop lasts %(length)s. "
                    "Shorten some items or change the workshop's times."
                )
                % {"total": total, "length": length}
            )


def inline_formset(form, formset=forms.BaseInlineFormSet, extra: int = 2):
    return forms.inlineformset_factory(
        Workshop, form.Meta.model, form=form, formset=formset, extra=extra, can_delete=True
    )


ContributorFormSet = inline_formset(ContributorForm)
DesiredOutcomeFormSet = inline_formset(DesiredOutcomeForm)
ConclusionFormSet = inline_formset(ConclusionForm)
AgendaItemFormSet = inline_formset(AgendaItemForm, AgendaFormSet)


class PersonRegistrationForm(forms.Form):
    sector = sector_field(
        _("Which sector are you here for?"),
        help_text=_("Organisers use this to mix tables and to see who took part."),
    )
    wants_report = forms.BooleanField(
        label=_("Email me when the report is published"), required=False
    )


class WalkInForm(forms.Form):
    """Someone who turns up without registering: add them at the desk, already checked in."""

    display_name = forms.CharField(label=_("Name"), max_length=80)
    sector = sector_field()


class JoinCodeForm(forms.Form):
    """One box for every code: a workshop's, or a conversation's of its own."""

    code = forms.CharField(
        label=_("Join code"),
        help_text=_("The code on the screen or on your card, for a workshop or a conversation."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
