"""The facilitator's live page and its controls, and the room screen.

Starting a round and closing the café ask first (a page that says what will happen, so it
works without JavaScript) and can be undone for a minute; the clock can be paused and given
or relieved of minutes. The changes themselves are in `rounds`.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.coalitions.permissions import Action
from coproduce.core.doors import door

from . import rounds, selectors
from .errors import CafeError
from .views import _base, find_cafe

MINUTE_CHOICES = (-1, 1, 2, 5)


class RoundForm(forms.Form):
    """Every live control says which round it was clicked in, so a late click changes
    nothing in the next round."""

    round = forms.IntegerField(label=gettext_lazy("Round"), min_value=0, max_value=1000)


class MinutesForm(RoundForm):
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes to add or take away"),
        min_value=rounds.SMALLEST_CHANGE,
        max_value=rounds.LARGEST_CHANGE,
    )


def _form_error(form) -> str:
    """The first problem of a control's form, naming its field."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return ""


def live_context(cafe) -> dict:
    now = timezone.now()
    return {
        **_base(cafe, "live"),
        **selectors.live_state(cafe),
        "undo": rounds.undo_offer(cafe, now),
        "minute_choices": [{"minutes": m, "size": abs(m)} for m in MINUTE_CHOICES],
        "server_now": now,
    }


@door(get=Action.RUN_WORKSHOP, find=find_cafe)
def live(request, cafe):
    context = live_context(cafe)
    if request.headers.get("HX-Request"):
        return render(request, "cafe/live.html#state", context)
    return render(request, "cafe/live.html", context)


@door(get=Action.RUN_WORKSHOP, post=Action.RUN_WORKSHOP, find=find_cafe)
def advance(request, cafe):
    """GET asks "Start round 2?" and says what will happen; the POST from that page starts it."""
    if request.method == "GET":
        return render(request, "cafe/confirm_advance.html", live_context(cafe))
    form = RoundForm(request.POST)
    if not form.is_valid():  # a form that skipped the question: ask it
        return redirect("cafe:advance", cafe.pk)
    try:
        cafe = rounds.advance_round(cafe, expected=form.cleaned_data["round"])
    except CafeError as error:
        messages.error(request, str(error))
    else:
        if cafe.is_finished:
            messages.success(request, _("All rounds are done. Time to harvest."))
        else:
            messages.success(request, _("Round %(n)s has started.") % {"n": cafe.shown_round})
    return redirect("cafe:live", cafe.pk)


@door(get=Action.RUN_WORKSHOP, post=Action.RUN_WORKSHOP, find=find_cafe)
def close(request, cafe):
    """GET asks before closing the café for notes; POST closes (confirmed) or reopens."""
    if request.method == "GET":
        return render(request, "cafe/confirm_close.html", live_context(cafe))
    if request.POST.get("reopen"):
        rounds.reopen_cafe(cafe)
        messages.success(request, _("Notes can be changed again."))
        return redirect("cafe:harvest", cafe.pk)
    if not request.POST.get("confirm"):
        return redirect("cafe:close", cafe.pk)
    try:
        rounds.close_cafe(cafe)
    except CafeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The café is closed; its notes can no longer be changed."))
    return redirect("cafe:live", cafe.pk)


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def undo(request, cafe):
    try:
        cafe = rounds.undo(cafe, request.POST.get("token", ""))
    except CafeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _undone_message(cafe))
    return redirect("cafe:live", cafe.pk)


def _undone_message(cafe) -> str:
    if cafe.is_running:
        return _("Undone: round %(n)s is under way again.") % {"n": cafe.shown_round}
    if not cafe.has_started:
        return _("Undone: the café has not started.")
    return _("Undone.")


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def pause(request, cafe):
    """Pause the clock, or with `resume`, start it again."""
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("cafe:live", cafe.pk)
    resuming = bool(request.POST.get("resume"))
    change = rounds.resume if resuming else rounds.pause
    try:
        change(cafe, expected_round=form.cleaned_data["round"])
    except CafeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The clock is running again.") if resuming else _("Paused."))
    return redirect("cafe:live", cafe.pk)


@door(post=Action.RUN_WORKSHOP, find=find_cafe)
def minutes(request, cafe):
    form = MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("cafe:live", cafe.pk)
    try:
        rounds.change_minutes(
            cafe, form.cleaned_data["minutes"], expected_round=form.cleaned_data["round"]
        )
    except CafeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The clock is changed."))
    return redirect("cafe:live", cafe.pk)


@door(get=Action.RUN_WORKSHOP, find=find_cafe)
def screen(request, cafe):
    """The room screen: every table of the current round in large type, the clock, and the
    workshop's join code with its QR code for latecomers."""
    context = {
        **_base(cafe, "screen"),
        **selectors.live_state(cafe),
        "server_now": timezone.now(),
        "join_url": request.build_absolute_uri(
            reverse("workshops:join", args=[cafe.workshop.join_code])
        ),
    }
    template = (
        "cafe/screen.html#tables" if request.headers.get("HX-Request") else "cafe/screen.html"
    )
    return render(request, template, context)
