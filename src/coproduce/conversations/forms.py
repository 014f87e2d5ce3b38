import csv
import io
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coproduce.people.sectors import sector_field
from coproduce.workshops.forms import LocalDateTimeInput

from .models import Conversation
from .services import MAX_SEED_STATEMENTS

SEED_CSV_MAX_BYTES = 2 * 1024 * 1024


class ConversationForm(forms.ModelForm):
    seed_text = forms.CharField(
        label=_("Seed statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One statement per line. Participants vote on these first."),
    )
    seed_file = forms.FileField(
        label=_("…or upload a CSV"),
        required=False,
        help_text=_("The first column holds the statements; a header row is skipped."),
    )

    class Meta:
        model = Conversation
        fields = [
            "question",
            "description",
            "workshop",
            "moderation",
            "allow_statements",
            "statement_max_length",
            "opens_at",
            "closes_at",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "moderation": forms.RadioSelect,
            "opens_at": LocalDateTimeInput(),
            "closes_at": LocalDateTimeInput(),
        }
        help_texts = {
            "opens_at": _(
                "In the workshop's time zone, or the coalition's without a workshop. Leave "
                "empty to open now and never close."
            ),
            "moderation": _(
                "Holding statements until a moderator accepts them is safer when the map is "
                "shown to a room."
            ),
        }

    def __init__(self, *args, coalition, **kwargs):
        super().__init__(*args, **kwargs)
        self.coalition = coalition
        self.fields["workshop"].queryset = coalition.workshops.order_by("-starts_at")
        self.fields["workshop"].required = False

    def _in_workshop_zone(self, cleaned: dict) -> None:
        """Opening and closing times are typed as the wall clock of the workshop (like its
        agenda), or of the coalition when there is no workshop."""
        workshop = cleaned.get("workshop")
        zone = workshop.tz if workshop is not None else zoneinfo.ZoneInfo(self.coalition.time_zone)
        for name in ("opens_at", "closes_at"):
            if cleaned.get(name):
                # Django read the typed time in the current zone; keep the clock reading,
                # change the zone.
                typed = timezone.localtime(cleaned[name]).replace(tzinfo=None)
                cleaned[name] = typed.replace(tzinfo=zone)

    def clean_statement_max_length(self):
        value = self.cleaned_data["statement_max_length"]
        if not 20 <= value <= 2000:
            raise forms.ValidationError(_("Between 20 and 2,000 characters."))
        return value

    def clean(self):
        cleaned = super().clean()
        self._in_workshop_zone(cleaned)
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("It must close after it opens."))
        limit = cleaned.get("statement_max_length") or 280
        lines = (cleaned.get("seed_text") or "").splitlines()
        upload = cleaned.get("seed_file")
        try:
            statements = seed_lines(lines, limit, _("Line"))
            if upload:
                statements += seed_lines(csv_first_column(upload), limit, _("CSV row"))
        except forms.ValidationError as error:
            self.add_error("seed_file" if upload else "seed_text", error)
            return cleaned
        unique = list(dict.fromkeys(statements))
        if len(unique) > MAX_SEED_STATEMENTS:
            self.add_error(
                "seed_text",
                ngettext(
                    "At most %(n)s starting statement.",
                    "At most %(n)s starting statements.",
                    MAX_SEED_STATEMENTS,
                )
                % {"n": MAX_SEED_STATEMENTS},
            )
        cleaned["seed_statements"] = unique
        return cleaned


def csv_first_column(upload) -> list[str]:
    if upload.size > SEED_CSV_MAX_BYTES:
        raise forms.ValidationError(_("The CSV file is larger than 2 MB."))
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(_("The CSV file is not UTF-8 text.")) from None
    rows = list(csv.reader(io.StringIO(text)))
    if rows and rows[0] and rows[0][0].strip().lower() in {"statement", "comment-body", "text"}:
        rows = rows[1:]
    return [row[0] if row else "" for row in rows]


def seed_lines(lines: list[str], limit: int, what: str) -> list[str]:
    statements = []
    for number, line in enumerate(lines, start=1):
        line = " ".join(line.split())
        if not line:
            continue
        if len(line) > limit:
            raise forms.ValidationError(
                _("%(what)s %(n)s has %(len)s characters; the limit is %(max)s.")
                % {"what": what, "n": number, "len": len(line), "max": limit}
            )
        statements.append(line)
    return statements


class JoinForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80)
    sector = sector_field()


class ExportForm(forms.Form):
    raw = forms.BooleanField(
        label=_("Raw values for Pol.is tools"),
        required=False,
        help_text=_(
            "Leave unticked for files that are safe to open in a spreadsheet: text that starts "
            "like a formula gets a leading apostrophe. Tick only for tools that read Pol.is "
            "files directly."
        ),
    )


class StatementForm(forms.Form):
    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is the conversation's, so the field is made here rather than declared.
        self.fields["text"] = forms.CharField(
            label=_("Your statement"),
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=ngettext(
                "Short and about one idea, up to %(n)s character.",
                "Short and about one idea, up to %(n)s characters.",
                max_length,
            )
            % {"n": max_length},
        )
