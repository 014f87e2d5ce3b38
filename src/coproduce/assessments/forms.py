"""Forms of the assessment pages: a new assessment, the promised level, and the answers.

Forms validate and name the field at fault; the services check the same rules again, so a
hand-made post cannot get round them.
"""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from coproduce.charters.frameworks import choices as framework_choices
from coproduce.charters.models import Charter
from coproduce.people.sectors import sector_field

from . import services
from .models import EVIDENCE_MAX, NOTE_MAX, TITLE_MAX, Scale
from .results import item_meaning, item_title

SCORES = [
    ("0", _("0 · Not in place")),
    ("1", _("1 · Starting")),
    ("2", _("2 · Developing")),
    ("3", _("3 · Established")),
    ("4", _("4 · Embedded")),
]


def _published_charters(coalition) -> list[Charter]:
    charters = Charter.objects.filter(coalition=coalition, versions__published_at__isnull=False)
    return list(charters.distinct().order_by("title"))


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    source = forms.ChoiceField(
        label=_("What to assess against"),
        help_text=_(
            "A built-in framework, or your coalition's own published charter (each principle "
            "becomes an item)."
        ),
    )
    workshop = forms.ChoiceField(label=_("About a workshop (optional)"), required=False)

    def __init__(self, *args, coalition, **kwargs):
        super().__init__(*args, **kwargs)
        self.coalition = coalition
        options = [(f"framework:{key}", name) for key, name in framework_choices()]
        options += [(f"charter:{c.pk}", c.title) for c in _published_charters(coalition)]
        self.fields["source"].choices = [("", _("Choose one")), *options]
        workshops = coalition.workshops.order_by("-starts_at")[:50]
        self.fields["workshop"].choices = [("", _("None"))] + [(w.pk, w.title) for w in workshops]

    def create(self, author):
        kind, _sep, key = self.cleaned_data["source"].partition(":")
        charter = None
        if kind == "charter":
            charter = Charter.objects.get(pk=key, coalition=self.coalition)
        workshop = None
        if self.cleaned_data["workshop"]:
            workshop = self.coalition.workshops.get(pk=self.cleaned_data["workshop"])
        return services.create_assessment(
            self.coalition,
            title=self.cleaned_data["title"],
            framework=key if kind == "framework" else "",
            charter=charter,
            workshop=workshop,
            author=author,
        )


class PromiseForm(forms.Form):
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices, required=False)
    level = forms.ChoiceField(label=_("Level you promised"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", _("None"))]
        for scale, levels in services.LEVELS.items():
            options += [(key, f"{Scale(scale).label}: {name}") for key, name in levels.items()]
        self.fields["level"].choices = options

    def clean(self):
        data = super().clean()
        scale, level = data.get("scale", ""), data.get("level", "")
        if scale and level not in services.levels_of(scale):
            self.add_error("level", _("Choose a level of the scale you chose."))
        return data


class AnswerForm(forms.Form):
    """The sector, the level experienced (when a level was promised), then for each item a
    score 0-4 (big radio buttons), a note and an evidence link, all optional."""

    def __init__(self, *args, round_, guest_name: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        # True when the answers could not be saved because the round changed under them.
        self.conflict = False
        assessment = round_.assessment
        # The round the page showed: answers meant for a round since closed are refused, never
        # moved into the next one.
        self.fields["round"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, initial=round_.number
        )
        if guest_name:
            # One random value per page: a double tap on "Save" finds the guest the first tap
            # made instead of making a second one.
            self.fields["once"] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                max_length=64,
                initial=secrets.token_urlsafe(16),
            )
            self.fields["display_name"] = forms.CharField(
                label=_("Your name (optional)"), max_length=80, required=False
            )
        self.fields["sector"] = sector_field(_("Which sector do you answer for?"))
        self.fields["organisation"] = forms.CharField(
            label=_("If you answer for an organisation, which one? (optional)"),
            max_length=200,
            required=False,
        )
        if assessment.scale:
            levels = services.LEVELS[assessment.scale]
            self.fields["experienced"] = forms.ChoiceField(
                label=_("What level of participation did you experience?"),
                choices=[("", _("I'd rather not say")), *levels.items()],
                required=False,
            )
        self.items = []
        for number, item in enumerate(round_.items, start=1):
            key = item["id"]
            self.fields[f"score-{key}"] = forms.ChoiceField(
                label=item_title(assessment, item),
                choices=SCORES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note-{key}"] = forms.CharField(
                label=_("Note (optional)"),
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"evidence-{key}"] = forms.URLField(
                label=_("Evidence link (optional)"),
                required=False,
                max_length=EVIDENCE_MAX,
                assume_scheme="https",
                validators=[URLValidator(schemes=["http", "https"])],
            )
            self.items.append(
                {
                    "number": number,
                    "title": item_title(assessment, item),
                    "meaning": item_meaning(assessment, item),
                    "score": self[f"score-{key}"],
                    "note": self[f"note-{key}"],
                    "evidence": self[f"evidence-{key}"],
                }
            )

    @staticmethod
    def initial_from(response) -> dict:
        if response is None:
            return {}
        initial = {
            "sector": response.sector,
            "experienced": response.experienced,
            "organisation": response.organisation,
        }
        for key, score in response.scores.items():
            initial[f"score-{key}"] = "" if score is None else str(score)
        for key, given in response.notes.items():
            initial[f"note-{key}"] = given.get("note", "")
            initial[f"evidence-{key}"] = given.get("evidence", "")
        return initial

    def answers(self) -> dict:
        data = self.cleaned_data
        ids = self.round.item_ids
        return {
            "sector": data["sector"],
            "experienced": data.get("experienced", ""),
            "organisation": data.get("organisation", ""),
            "scores": {key: data.get(f"score-{key}") or None for key in ids},
            "notes": {
                key: {
                    "note": data.get(f"note-{key}", ""),
                    "evidence": data.get(f"evidence-{key}", ""),
                }
                for key in ids
            },
        }

    def clean(self):
        data = super().clean()
        asked = data.get("round")
        if asked is not None and asked != self.round.number:
            self.refuse(
                _(
                    "A new round has opened since this page was loaded, so your answers were "
                    "not saved. Check them and save again."
                )
            )
        return data

    def refuse(self, message) -> None:
        """The answers cannot go where they were meant to: say so, keeping what was typed."""
        self.conflict = True
        self.add_error(None, message)

    def save(self, **who):
        try:
            return services.save_response(self.round, **self.answers(), **who)
        except ValidationError as error:
            self.add_error(None, error)
        except services.AssessmentError as error:
            self.refuse(str(error))
        return None
