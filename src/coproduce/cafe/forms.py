from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import Cafe, CafeRound, Note, Participant, Rule, Table

MAX_ROUNDS = 12


class CafeForm(forms.ModelForm):
    class Meta:
        model = Cafe
        fields = ["rounds", "minutes_per_round", "question_mode", "host_mode"]
        widgets = {"question_mode": forms.RadioSelect, "host_mode": forms.RadioSelect}

    def clean_rounds(self):
        rounds = self.cleaned_data["rounds"]
        if not 1 <= rounds <= MAX_ROUNDS:
            raise forms.ValidationError(
                _("A café has between 1 and %(n)s rounds.") % {"n": MAX_ROUNDS}
            )
        if rounds < self.instance.current_round:
            raise forms.ValidationError(
                _("Round %(n)s has already started; there must be at least that many.")
                % {"n": self.instance.current_round}
            )
        return rounds

    def clean_minutes_per_round(self):
        minutes = self.cleaned_data["minutes_per_round"]
        if not 1 <= minutes <= 240:
            raise forms.ValidationError(_("A round lasts between 1 and 240 minutes."))
        return minutes


class TableForm(forms.ModelForm):
    class Meta:
        model = Table
        fields = ["order", "name", "capacity", "online", "topic", "host"]

    def __init__(self, *args, cafe: Cafe, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = cafe.agenda_item.questions.all()
        self.fields["host"].queryset = participants
        self.fields["host"].label_from_instance = lambda p: p.name
        if cafe.question_mode != Cafe.QuestionMode.PER_TABLE:
            del self.fields["topic"]
        if cafe.host_mode != Cafe.HostMode.FIXED:
            del self.fields["host"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if not 1 <= capacity <= 50:
            raise forms.ValidationError(_("A table seats between 1 and 50 people."))
        return capacity


class BaseTableFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, participants=None, **kwargs):
        self.participants = participants
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = {
            **super().get_form_kwargs(index),
            "cafe": self.instance,
            "participants": self.participants,
        }
        if index is not None and index >= self.initial_form_count():
            # An empty row offers the next free number (5, 6 after four tables), not 0; an
            # untouched row still equals its initial data and saves nothing.
            kwargs["initial"] = {"order": self._next_number + index - self.initial_form_count()}
        return kwargs

    @cached_property
    def _next_number(self) -> int:
        return max((table.order for table in self.get_queryset()), default=0) + 1

    def clean(self):
        # Checked before Django's own uniqueness check, whose message names no table.
        hosts, names = {}, set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            host, name = data.get("host"), data.get("name", "")
            if host is not None:
                if host.pk in hosts:
                    raise forms.ValidationError(
                        _("%(name)s cannot host both %(a)s and %(b)s.")
                        % {"name": host.name, "a": hosts[host.pk], "b": name}
                    )
                hosts[host.pk] = name
            if name.strip().lower() in names:
                raise forms.ValidationError(_("Two tables are called “%(name)s”.") % {"name": name})
            names.add(name.strip().lower())
        super().clean()


TableFormSet = forms.inlineformset_factory(
    Cafe, Table, form=TableForm, formset=BaseTableFormSet, extra=2, can_delete=True
)


class RoundQuestionForm(forms.ModelForm):
    class Meta:
        model = CafeRound
        fields = ["question"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = self.instance.cafe.agenda_item.questions.all()
        self.fields["question"].label = _("Round %(n)s") % {"n": self.instance.number}


RoundQuestionFormSet = forms.inlineformset_factory(
    Cafe, CafeRound, form=RoundQuestionForm, extra=0, can_delete=False
)


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["present", "online", "immobile"]


ParticipantFormSet = forms.modelformset_factory(Participant, form=ParticipantForm, extra=0)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rule"), choices=Rule.Kind.choices)
    first = forms.ModelChoiceField(label=_("Person"), queryset=Participant.objects.none())
    second = forms.ModelChoiceField(label=_("and"), queryset=Participant.objects.none())

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = participants
            self.fields[name].label_from_instance = lambda p: p.name


class NoteForm(forms.ModelForm):
    round_number = forms.TypedChoiceField(label=_("Round"), coerce=int)

    class Meta:
        model = Note
        fields = ["round_number", "text", "photo"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "photo": forms.ClearableFileInput(
                attrs={"accept": "image/*", "capture": "environment"}
            ),
        }

    def __init__(self, *args, rounds: list[int], **kwargs):
        """`rounds`: the rounds the writer may write for at this table (those they sat there;
        every round for the facilitators)."""
        super().__init__(*args, **kwargs)
        self.fields["round_number"].choices = [(n, _("Round %(n)s") % {"n": n}) for n in rounds]
