"""Forms for writing a plan and posting updates. They shape what people typed; the checks on
what a plan may hold live in `plans.services`, which names the field at fault, and the views
show its message there (`refused`), so nothing typed is lost."""

import uuid

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Membership
from coproduce.core.uploads import ImageRefused, clean_image
from coproduce.people.models import Person

from .models import REASON_MAX, TEXT_MAX, TITLE_MAX, UPDATE_MAX, Status
from .services import PlanError

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"


def refused(form: forms.Form, error: PlanError) -> None:
    """A refusal from the services shown on the field it names (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _text(label, *, max_length, rows=3, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = _text(
        _("Summary"),
        max_length=TEXT_MAX,
        rows=5,
        help_text=_(
            "What the plan is for and who wrote it. Markdown: blank lines between paragraphs."
        ),
    )


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = _text(_("Description"), max_length=TEXT_MAX)
    weight = forms.IntegerField(
        label=_("Weight"),
        initial=1,
        help_text=_("How much it counts towards the whole, from 1 to 100 (all 1: equal)."),
    )
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=None,
        required=False,
        empty_label=_("None: a goal of its own"),
        help_text=_("A goal can sit under one of the plan's top goals."),
    )

    def __init__(self, *args, plan, goal=None, **kwargs):
        super().__init__(*args, **kwargs)
        tops = plan.goals.filter(parent__isnull=True).order_by("position", "pk")
        if goal is not None:
            tops = tops.exclude(pk=goal.pk)
        self.fields["parent"].queryset = tops


def _people(coalition):
    ids = Membership.objects.filter(coalition=coalition).values("person_id")
    return Person.objects.filter(pk__in=ids).order_by("full_name", "pk")


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = _text(_("Description"), max_length=TEXT_MAX)
    owners = forms.ModelMultipleChoiceField(
        label=_("Owned by"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the services say "at least one", by this field
        help_text=_("The organisations answerable for it. Their members can post updates."),
    )
    handover_note = forms.CharField(
        label=_("Note on the hand-over"),
        required=False,
        max_length=500,
        help_text=_("If the owners change: why, and what was agreed. Everyone reads it."),
    )
    lead = forms.ModelChoiceField(
        label=_("Lead person"), queryset=None, required=False, empty_label=_("Nobody yet")
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Organisations that help without owning it."),
    )
    starts_on = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Status.choices, initial=Status.NOT_STARTED
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("How much of it is done, from 0 to 100."),
    )
    reason = _text(
        _("Why it was dropped"),
        max_length=REASON_MAX,
        help_text=_("Needed when the status is “Dropped”. Everyone who can see the plan reads it."),
    )
    budget = forms.DecimalField(
        label=_("Budget"), required=False, max_digits=14, decimal_places=2, min_value=0
    )
    weight = forms.IntegerField(
        label=_("Weight"),
        initial=1,
        help_text=_("How much it counts towards the whole, from 1 to 100 (all 1: equal)."),
    )

    def __init__(self, *args, coalition, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = coalition.organisations.order_by("name", "pk")
        self.fields["owners"].queryset = organisations
        self.fields["partners"].queryset = organisations
        self.fields["lead"].queryset = _people(coalition)
        self.fields["lead"].label_from_instance = lambda person: person.full_name
        if not editing:
            del self.fields["handover_note"]

    def draft_fields(self) -> dict:
        data = self.cleaned_data
        names = ("title", "description", "lead", "starts_on", "due_on", "status", "progress")
        fields = {name: data[name] for name in names}
        fields.update(
            owners=list(data["owners"]),
            partners=list(data["partners"]),
            reason=data["reason"],
            budget=data["budget"],
            weight=data["weight"],
        )
        return fields


def action_initial(action, owners: list) -> dict:
    return {
        "title": action.title,
        "description": action.description,
        "owners": owners,
        "lead": action.lead,
        "partners": list(action.partners.all()),
        "starts_on": action.starts_on,
        "due_on": action.due_on,
        "status": action.status,
        "progress": action.progress,
        "reason": action.reason,
        "budget": action.budget,
        "weight": action.weight,
    }


class UpdateForm(forms.Form):
    text = _text(_("What happened"), max_length=UPDATE_MAX, rows=4, required=True)
    status = forms.ChoiceField(label=_("Status now"), choices=Status.choices)
    progress = forms.IntegerField(
        label=_("Progress now (%)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("How much of it is done, from 0 to 100."),
    )
    reason = _text(
        _("Why it was dropped"),
        max_length=REASON_MAX,
        rows=2,
        help_text=_("Needed when the status is “Dropped”. Everyone who can see the plan reads it."),
    )
    evidence_url = forms.URLField(
        label=_("Link to evidence"),
        required=False,
        max_length=1000,
        help_text=_("A web page, a document or a post that shows it."),
    )
    evidence_file = forms.FileField(
        label=_("File or photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=_(
            "A photo (JPEG, PNG, WebP or GIF) or a PDF, up to 10 MB. Photos are stored "
            "without where and with what they were taken."
        ),
    )

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return None
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB. Send a smaller one."))
        upload.seek(0)
        if upload.read(5) == b"%PDF-":
            upload.seek(0)
            return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.pdf")
        try:
            return clean_image(upload)
        except ImageRefused:
            raise forms.ValidationError(
                _("Send a photo (JPEG, PNG, WebP or GIF) or a PDF; this file is neither.")
            ) from None


class SourceForm(forms.Form):
    """One choice among everything the action could come from, grouped by kind; a value is
    "<kind>:<id>" ("theme:<report>:<number>" for a theme)."""

    source = forms.ChoiceField(label=_("Where it came from"))

    def __init__(self, *args, groups: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—"), *groups]


class AnswerForm(forms.Form):
    """Why nothing was done about a theme or a statement."""

    item = forms.CharField(widget=forms.HiddenInput, max_length=80)
    reason = _text(_("Why nothing was done"), max_length=REASON_MAX, rows=2, required=True)


class EmailTimeForm(forms.Form):
    """When the coalition's plan emails go out, in its own time zone."""

    send_at = forms.TimeField(
        label=_("Send the emails at"),
        input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Say at what time of day the emails go out, for example 09:00."),
            "invalid": _(
                "“Send the emails at” needs a time of day as hours and minutes, for example "
                "09:00 or 17:30."
            ),
        },
    )
