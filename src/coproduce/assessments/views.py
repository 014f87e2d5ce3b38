"""The assessment pages: the coalition's list, a new assessment, its page (open, close, a new
round, the promise), answering (as a member or through the link), sharing and the results.

Each view goes through a door; reads come from `results`, writes go through `services`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.doors import door
from coproduce.core.qr import qr_svg
from coproduce.core.ratelimit import hit_request
from coproduce.people.guests import current_guest, remember_guest
from coproduce.people.models import Guest

from . import presenting, results, services
from .forms import AnswerForm, AssessmentForm, PromiseForm
from .models import Assessment, Round

PAGE_SIZE = 20
ANSWERS_PAGE_SIZE = 50


def find_assessment(request, assessment_id: int) -> Assessment:
    return get_object_or_404(Assessment.objects.select_related("coalition"), pk=assessment_id)


def find_by_link(request, code: str) -> Assessment:
    """The link's secret is the credential: an unknown code is simply not found."""
    return get_object_or_404(Assessment.objects.select_related("coalition"), link_code=code)


@door(get=Action.VIEW, find=find_coalition)
def coalition_list(request, coalition):
    found = coalition.assessments.order_by("-created_at", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coalition": coalition,
        "page": page,
        "may_run": can(Visitor.of(request), Action.RUN_ASSESSMENT, coalition),
    }
    return render(request, "assessments/list.html", context)


@door(get=Action.RUN_ASSESSMENT, post=Action.RUN_ASSESSMENT, find=find_coalition)
def create(request, coalition):
    form = AssessmentForm(request.POST or None, coalition=coalition)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = form.create(request.user)
        except services.AssessmentError as error:
            form.add_error("source", str(error))
        else:
            messages.success(request, _("The assessment is open for answers."))
            return redirect(assessment)
    return render(request, "assessments/create.html", {"coalition": coalition, "form": form})


@door(get=Action.VIEW, find=find_assessment)
def detail(request, assessment):
    visitor = Visitor.of(request)
    current = services.latest_round(assessment)
    may_run = can(visitor, Action.RUN_ASSESSMENT, assessment)
    context = {
        "assessment": assessment,
        "coalition": assessment.coalition,
        "round": current,
        "items": presenting.items_of(assessment, current),
        "may_run": may_run,
        "may_answer": can(visitor, Action.ANSWER_ASSESSMENT, assessment),
        # Counted as the results page counts them: people who scored at least one item.
        "responses": results.respondents(current),
        "promise_form": PromiseForm(
            initial={"scale": assessment.scale, "level": assessment.promised}
        )
        if may_run
        else None,
        "promised": presenting.promised_label(assessment),
    }
    return render(request, "assessments/detail.html", context)


@door(post=Action.RUN_ASSESSMENT, find=find_assessment)
def change_state(request, assessment):
    """Close the round, open it again, or start a new round with the items as they are now."""
    step = request.POST.get("step", "")
    try:
        if step == "close":
            services.close_round(assessment)
            messages.success(request, _("The round is closed."))
        elif step == "reopen":
            services.reopen_round(assessment)
            messages.success(request, _("The round is open again."))
        elif step == "new_round":
            started = services.new_round(assessment)
            messages.success(request, _("Round %(number)s is open.") % {"number": started.number})
        else:
            messages.error(request, _("Choose close, open again or a new round."))
    except services.AssessmentError as error:
        messages.error(request, str(error))
    return redirect(assessment)


@door(post=Action.RUN_ASSESSMENT, find=find_assessment)
def promise(request, assessment):
    form = PromiseForm(request.POST)
    if form.is_valid():
        try:
            services.set_promise(assessment, form.cleaned_data["scale"], form.cleaned_data["level"])
        except services.AssessmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The promised level is saved."))
    else:
        messages.error(request, _("Choose a level of the scale you chose."))
    return redirect(assessment)


# --- answering -------------------------------------------------------------------------------


@door(get=Action.ANSWER_ASSESSMENT, post=Action.ANSWER_ASSESSMENT, find=find_assessment)
def answer(request, assessment):
    """A member answers as themselves (one response per round, which they can change)."""
    return _answer(request, assessment, who={"person": request.user}, action=request.path)


@door(get=Action.ENTER, post=Action.ENTER, find=find_by_link)
def answer_by_link(request, assessment):
    """Anyone holding the link answers, with no account: a person signed in answers as
    themselves, anyone else as a guest this browser remembers (created with the first save)."""
    if request.user.is_authenticated:
        who = {"person": request.user}
    else:
        who = {"guest": current_guest(request)}
    return _answer(request, assessment, who=who, action=request.path, by_link=True)


def _answer(request, assessment, *, who: dict, action: str, by_link: bool = False):
    current = services.latest_round(assessment)
    existing = services.response_of(current, **who)
    new_guest = by_link and who.get("guest") is None and "person" not in who
    form = AnswerForm(
        request.POST or None,
        round_=current,
        guest_name=new_guest,
        initial=AnswerForm.initial_from(existing),
    )
    if request.method == "POST" and not current.is_open:
        form.is_valid()  # bound and checked, so the page shows back what was typed
        form.refuse(_("This round is closed: answers can no longer be changed."))
    elif request.method == "POST" and form.is_valid():
        if new_guest:
            hit_request("guest", request)  # one address may not fill the round with guests
        if _save(request, form, who, new_guest):
            messages.success(
                request,
                _("Thank you: your answers are saved. You can change them until the round closes."),
            )
            return redirect(action)
    if form.conflict and current.is_open:
        form.data = form.data.copy()
        form.data["round"] = current.number  # saving again goes to the round now open
    context = {
        "assessment": assessment,
        "coalition": assessment.coalition,
        "round": current,
        "form": form,
        "existing": existing,
        "action": action,
        "by_link": by_link,
        "may_see_results": can(Visitor.of(request), Action.VIEW, assessment),
    }
    status = 400 if request.method == "POST" and form.errors else 200
    status = 409 if form.conflict else status
    return render(request, "assessments/answer.html", context, status=status)


def _save(request, form, who: dict, new_guest: bool) -> bool:
    """The answers, and for a newcomer through the link the guest they belong to: both or
    neither, so a refused save leaves no stray guest behind."""
    with transaction.atomic():
        if new_guest:
            who = {"guest": _guest_for(form)}
        if form.save(**who) is None:
            transaction.set_rollback(True)
            return False
    if new_guest:
        remember_guest(request, who["guest"])
    return True


def _guest_for(form) -> Guest:
    """The guest a newcomer's answers belong to. Its key comes from the page's one-time value,
    so a second tap on "Save" finds the guest the first tap made (one guest, one response)."""
    name = form.cleaned_data.get("display_name") or _("Participant")
    defaults = {"display_name": name, "sector": form.cleaned_data["sector"]}
    once = form.cleaned_data.get("once")
    if not once:
        return Guest.objects.create(**defaults)
    key = salted_hmac("assessments.answer_by_link", once, algorithm="sha256")
    key = key.hexdigest()[:32]
    guest, _created = Guest.objects.get_or_create(key=key, defaults=defaults)
    return guest


@door(get=Action.RUN_ASSESSMENT, find=find_assessment)
def share(request, assessment):
    link = request.build_absolute_uri(
        reverse("assessments:answer_by_link", args=[assessment.link_code])
    )
    context = {
        "assessment": assessment,
        "coalition": assessment.coalition,
        "link": link,
        "qr": qr_svg(link),
    }
    return render(request, "assessments/share.html", context)


# --- results ---------------------------------------------------------------------------------


# A round number in the address: plain digits, at most this many (anything else, "²" or
# 5,000 digits, means the latest round rather than an error).
ROUND_DIGITS = 6


def round_asked(request, assessment) -> Round:
    rounds = assessment.rounds.all()
    number = request.GET.get("round", "")
    if number.isascii() and number.isdigit() and len(number) <= ROUND_DIGITS:
        found = rounds.filter(number=int(number)).first()
        if found is not None:
            return found
    return rounds.order_by("-number").first()


@door(get=Action.VIEW, find=find_assessment)
def results_page(request, assessment):
    """Profiles per sector: never a ranking. Organisers see every group; others only groups of
    five or more (the page says so)."""
    full = can(Visitor.of(request), Action.RUN_ASSESSMENT, assessment)
    current = round_asked(request, assessment)
    context = presenting.results_context(assessment, current, full=full)
    context["rounds"] = list(assessment.rounds.values_list("number", flat=True))
    return render(request, "assessments/results.html", context)


@door(get=Action.RUN_ASSESSMENT, find=find_assessment)
def answers(request, assessment):
    """Each respondent's answers, for the organisers only."""
    current = round_asked(request, assessment)
    found = current.responses.select_related("person", "guest").order_by("pk")
    page = Paginator(found, ANSWERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "assessment": assessment,
        "coalition": assessment.coalition,
        "round": current,
        "page": page,
        "rows": [presenting.response_row(assessment, current, r) for r in page],
        "items": presenting.items_of(assessment, current),
    }
    return render(request, "assessments/answers.html", context)
