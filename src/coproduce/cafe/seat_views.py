"""Seats by hand: moving one person on the plan page, and seating late arrivals from the live
page or the check-in desk. The work is done by `moves`; these views only ask and answer."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.coalitions.permissions import Action
from coproduce.core.doors import door
from coproduce.workshops.models import Registration

from . import moves
from .models import Participant, Table
from .views import _base, find_cafe

ONE, REST = "one", "rest"


class MoveForm(forms.Form):
    """Where to seat one person: a table, from a round, for that round or all after it."""

    round_number = forms.TypedChoiceField(label=gettext_lazy("Round"), coerce=int)
    scope = forms.ChoiceField(
        label=gettext_lazy("For"),
        choices=[
            (ONE, gettext_lazy("This round only")),
            (REST, gettext_lazy("This round and all after it")),
        ],
        initial=ONE,
        widget=forms.RadioSelect,
    )
    table = forms.ModelChoiceField(
        label=gettext_lazy("Table"),
        queryset=Table.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("Choose one of this café's tables.")},
    )
    seen = forms.CharField(max_length=200, widget=forms.HiddenInput)
    confirmed = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cafe, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round_number"].choices = [
            (n, _("Round %(n)s") % {"n": n}) for n in cafe.round_numbers
        ]
        self.fields["round_number"].error_messages["invalid_choice"] = _(
            "Choose one of the café's rounds."
        )
        self.fields["table"].queryset = cafe.tables.all()
        self.fields["table"].label_from_instance = lambda t: t.name


def _plan_url(cafe, number=None) -> str:
    url = reverse("cafe:plan", args=[cafe.pk])
    return f"{url}#round-{number}" if number else url


@door(get=Action.RUN_WORKSHOP, post=Action.RUN_WORKSHOP, find=find_cafe)
def move_seat(request, cafe, participant_id):
    """Move one person to another table. The plan page carries this form for every person
    (and drag and drop fills it in); without a round chosen, it is a page of its own."""
    participant = get_object_or_404(
        Participant.objects.select_related("registration"), pk=participant_id, cafe=cafe
    )
    room = moves.room_of(cafe)
    initial = {
        "round_number": (moves.open_rounds(cafe) or [cafe.shown_round])[0],
        "seen": moves.route_of(room, cafe, participant.pk),
    }
    form = MoveForm(request.POST or None, cafe=cafe, initial=initial)
    context = {**_base(cafe, "plan"), "participant": participant, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "cafe/move_seat.html", context)
    data = form.cleaned_data
    try:
        outcome = moves.move(
            cafe,
            participant,
            data["table"],
            first_round=data["round_number"],
            rest=data["scope"] == REST,
            seen=data["seen"],
            confirmed=data["confirmed"],
        )
    except moves.MoveRefused as error:
        messages.error(request, str(error))
        return redirect(_plan_url(cafe, data["round_number"]))
    if not outcome.saved:
        return render(request, "cafe/move_seat.html", {**context, "outcome": outcome})
    messages.success(request, _moved_message(participant, outcome))
    return redirect(_plan_url(cafe, data["round_number"]))


def _moved_message(participant, outcome) -> str:
    words = {"name": participant.name, "table": outcome.table.name, "n": outcome.rounds[0]}
    if len(outcome.rounds) == 1:
        return _("%(name)s now sits at %(table)s in round %(n)s.") % words
    return _("%(name)s now sits at %(table)s from round %(n)s on.") % words


BACK = {"desk", "live"}


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def seat_now(request, cafe, registration_id):
    """Seat a late arrival at once, in the round under way and the ones after it."""
    registration = get_object_or_404(Registration, pk=registration_id, workshop=cafe.workshop)
    try:
        tables = moves.seat_late_arrival(cafe, registration)
    except moves.MoveRefused as error:
        messages.error(request, str(error))
    else:
        first = next(iter(tables.values()))
        messages.success(
            request,
            _("%(name)s is seated at %(table)s now; their page shows their later tables.")
            % {"name": registration.display_name, "table": first.name},
        )
    if request.POST.get("back") == "desk":
        return redirect("workshops:desk", cafe.workshop.slug)
    return redirect("cafe:live", cafe.pk)


@door(get=Action.RUN_WORKSHOP, find=find_cafe)
def late_arrivals(request, cafe):
    """The list of late arrivals alone, which the check-in desk refreshes every few seconds."""
    back = request.GET.get("back", "live")
    context = {"cafe": cafe, "back": back if back in BACK else "live"}
    return render(request, "cafe/_latecomers.html", context)
