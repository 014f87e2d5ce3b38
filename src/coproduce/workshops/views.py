from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.coalitions.permissions import Action, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core import codes
from coproduce.core.charts import Series, horizontal_bars
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import door
from coproduce.core.qr import qr_svg
from coproduce.core.ratelimit import hit, hit_request
from coproduce.people.forms import GuestForm
from coproduce.people.guests import current_guest, remember_guest

from . import calendar, emails, selectors, services
from .forms import (
    AgendaItemFormSet,
    ConclusionFormSet,
    ContributorFormSet,
    DesiredOutcomeFormSet,
    JoinCodeForm,
    PersonRegistrationForm,
    WalkInForm,
    WorkshopForm,
)
from .models import Registration, Workshop
from .panels import workshop_panels
from .selectors import find_workshop

DESK_PAGE_SIZE = 50

# The parts of a workshop's programme, each edited as a list on its own page. Lazy: the names
# are said in each request's language, not the language of whoever loaded the module first.
PROGRAMME_PARTS = {
    "people": (ContributorFormSet, gettext_lazy("Organisers, speakers and facilitators")),
    "outcomes": (DesiredOutcomeFormSet, gettext_lazy("Desired outcomes")),
    "agenda": (AgendaItemFormSet, gettext_lazy("Agenda")),
    "conclusions": (ConclusionFormSet, gettext_lazy("Conclusions")),
}


def participation_chart(counts: list[selectors.SectorCount]) -> str:
    return horizontal_bars(
        title=_("Participants by sector"),
        description="; ".join(
            _("%(sector)s: %(registered)s registered, %(attended)s attended")
            % {"sector": c.label, "registered": c.registered, "attended": c.attended}
            for c in counts
        )
        or _("Nobody has registered yet."),
        categories=[c.label for c in counts],
        series=[
            Series(_("Registered"), [c.registered for c in counts]),
            Series(_("Attended"), [c.attended for c in counts]),
        ],
        chart_id="participation-chart",
    )


def _participation_context(workshop: Workshop) -> dict:
    counts = selectors.sector_counts(workshop)
    return {
        "sector_counts": counts,
        "totals": selectors.totals(counts),
        "participation_chart": participation_chart(counts),
    }


@door(get=Action.PLAN_WORKSHOP, post=Action.PLAN_WORKSHOP, find=find_coalition)
def workshop_create(request, coalition):
    form = WorkshopForm(request.POST or None, coalition=coalition)
    if request.method == "POST" and form.is_valid():
        workshop = services.create_workshop(coalition=coalition, **form.cleaned_data)
        messages.success(request, _("Workshop created. Add its agenda next."))
        return redirect("workshops:programme", workshop.slug, "agenda")
    return render(request, "workshops/form.html", {"form": form, "coalition": coalition})


@door(get=Action.VIEW, find=find_workshop)
def workshop_detail(request, workshop):
    can_run = can(request.user, Action.RUN_WORKSHOP, workshop)
    if request.headers.get("HX-Request") and request.GET.get("part") == "participation":
        # The facilitator's copy refreshes its counts every few seconds: those alone.
        context = {"workshop": workshop, "can_run": can_run, **_participation_context(workshop)}
        return render(request, "workshops/detail.html#participation", context)
    guest = current_guest(request)
    context = {
        "workshop": selectors.workshop_page_data(workshop),
        "coalition": workshop.coalition,
        "can_plan": can(request.user, Action.PLAN_WORKSHOP, workshop),
        "can_run": can_run,
        "my_registration": selectors.registration_of(workshop, request.user, guest),
        "registration_form": PersonRegistrationForm(initial={"sector": _profile_sector(request)}),
        "join_url": request.build_absolute_uri(
            reverse("workshops:join", args=[workshop.join_code])
        ),
        **_participation_context(workshop),
    }
    panels = workshop_panels(request, context["workshop"], context["can_run"])
    # A participant's "what to do now" (a panel marked `top`) opens the page, above About.
    context["top_panels"] = [(t, p) for t, p in panels if p.get("top")]
    context["panels"] = [(t, p) for t, p in panels if not p.get("top")]
    context["starts_today"] = _starts_today(workshop)
    context["under_way"] = workshop.starts_at <= timezone.now() < workshop.ends_at
    if workshop.capacity is not None:
        context["places_left"] = max(workshop.capacity - context["totals"]["registered"], 0)
    return render(request, "workshops/detail.html", context)


def _starts_today(workshop) -> bool:
    """Whether the workshop starts today where it is held ("see you at 14:00")."""
    today = timezone.localdate(timezone=workshop.tz)
    return timezone.localtime(workshop.starts_at, workshop.tz).date() == today


def _profile_sector(request) -> str:
    return getattr(request.user, "sector", "") if request.user.is_authenticated else ""


@door(get=Action.PLAN_WORKSHOP, post=Action.PLAN_WORKSHOP, find=find_workshop)
def workshop_edit(request, workshop):
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        services.update_workshop(workshop, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(workshop)
    return render(
        request,
        "workshops/form.html",
        {"form": form, "workshop": workshop, "coalition": workshop.coalition},
    )


@door(get=Action.PLAN_WORKSHOP, post=Action.PLAN_WORKSHOP, find=find_workshop)
def programme(request, workshop, part):
    if part not in PROGRAMME_PARTS:
        raise Http404
    formset_class, title = PROGRAMME_PARTS[part]
    formset = formset_class(request.POST or None, instance=workshop, prefix=part)
    if request.method == "POST" and formset.is_valid():
        services.save_programme(formset)
        messages.success(request, _("Saved."))
        return redirect("workshops:programme", workshop.slug, part)
    context = {
        "workshop": workshop,
        "coalition": workshop.coalition,
        "formset": formset,
        "part": part,
        "title": title,
        "parts": [(key, label) for key, (_f, label) in PROGRAMME_PARTS.items()],
    }
    return render(request, "workshops/programme.html", context)


@door(post=Action.VIEW, find=find_workshop)
def register(request, workshop):
    if not request.user.is_authenticated:
        return redirect("workshops:join", workshop.join_code)
    hit("register", f"person:{request.user.pk}")  # per person: a room shares one address
    form = PersonRegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose your sector to register."))
        return redirect(workshop)
    try:
        services.register_person(workshop, request.user, **_registration_fields(request, form))
        messages.success(request, _("You are registered. See you there."))
    except services.RegistrationError as error:
        messages.error(request, str(error))
    return redirect(workshop)


def _registration_fields(request, form) -> dict:
    """What a person's registration keeps from the form, and the language to email them in."""
    return {
        "sector": form.cleaned_data["sector"],
        "wants_report": form.cleaned_data.get("wants_report", False),
        "language": getattr(request, "LANGUAGE_CODE", ""),
    }


@door(post=Action.VIEW, find=find_workshop)
def cancel(request, workshop):
    registration = selectors.registration_of(workshop, request.user, current_guest(request))
    if registration is None:
        messages.error(request, _("You are not registered for this workshop."))
    else:
        services.cancel_registration(registration)
        messages.success(request, _("Your registration is cancelled."))
    return redirect(workshop)


def _workshop_for_code(request, code: str) -> Workshop | str:
    """The workshop a code names or, for another kind of code (a conversation's of its own),
    the address of its join page. Only wrong codes count, a room's typos gently (see
    core.codes)."""
    codes.check_attempt(request)
    try:
        workshop = services.workshop_for_code(code)
    except services.JoinCodeError:
        elsewhere = codes.destination_of(codes.normalise_code(code))
        if elsewhere is None:
            codes.count_wrong(request, code)
            raise
        codes.count_right(request, code)
        return elsewhere
    codes.count_right(request, workshop.join_code)
    return workshop


@door(get=Action.PUBLIC, post=Action.PUBLIC)
def join_start(request):
    """Type the code from the slide or the card: a workshop's, or a conversation's of its own."""
    form = JoinCodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            found = _workshop_for_code(request, form.cleaned_data["code"])
        except services.JoinCodeError as error:
            form.add_error("code", str(error))
        else:
            if isinstance(found, str):
                return redirect(found)
            return redirect("workshops:join", found.join_code)
    return render(request, "workshops/join_start.html", {"form": form})


def find_workshop_by_code(request, code: str):
    """The workshop a join code names, or the code form again saying what is wrong with it.
    A conversation's code typed into the workshop's address leads to that conversation."""
    try:
        found = _workshop_for_code(request, code)
        return redirect(found) if isinstance(found, str) else found
    except services.JoinCodeError as error:
        form = JoinCodeForm(data={"code": code[:20]})
        form.is_valid()
        form.add_error("code", str(error))
        return render(request, "workshops/join_start.html", {"form": form}, status=404)


@door(get=Action.ENTER, post=Action.ENTER, find=find_workshop_by_code)
def join(request, workshop):
    """A guest (or a logged-in person) takes a place at the workshop the code names."""
    existing = selectors.registration_of(workshop, request.user, current_guest(request))
    if existing:
        return redirect(workshop)
    if request.user.is_authenticated:
        return _join_with_account(request, workshop)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hit_request("guest", request)
            registration = services.join_as_guest(workshop, **form.cleaned_data)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            guest = registration.guest
            remember_guest(request, guest)
            messages.success(request, _("Welcome, %(name)s. You are registered.") % {"name": guest})
            return redirect(workshop)
    return render(request, "workshops/join.html", {"workshop": workshop, "form": form})


def _join_with_account(request, workshop):
    form = PersonRegistrationForm(
        request.POST or None, initial={"sector": _profile_sector(request)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.register_person(workshop, request.user, **_registration_fields(request, form))
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("You are registered. See you there."))
            return redirect(workshop)
    return render(
        request, "workshops/join.html", {"workshop": workshop, "form": form, "with_account": True}
    )


@door(get=Action.RUN_WORKSHOP, find=find_workshop)
def desk(request, workshop):
    """The check-in desk: find people, mark them arrived, add walk-ins."""
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.registrations_for_desk(workshop, query), DESK_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "workshop": workshop,
        "coalition": workshop.coalition,
        "page": page,
        "query": query,
        "walk_in_form": WalkInForm(),
        "can_plan": can(request.user, Action.PLAN_WORKSHOP, workshop),
        "email_failures": emails.failures(workshop),
        "join_url": request.build_absolute_uri(
            reverse("workshops:join", args=[workshop.join_code])
        ),
        **_participation_context(workshop),
    }
    return render(request, "workshops/desk.html", context)


@door(post=Action.RUN_WORKSHOP, find=find_workshop)
def check_in(request, workshop, registration_id):
    registration = get_object_or_404(Registration, pk=registration_id, workshop=workshop)
    present = request.POST.get("present") == "1"
    try:
        services.set_checked_in(registration, present)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    if request.headers.get("HX-Request"):
        return render(
            request, "workshops/desk.html#row", {"registration": registration, "workshop": workshop}
        )
    return redirect(_desk_url(workshop, request.POST.get("q", ""), request.POST.get("page", "")))


def _desk_url(workshop: Workshop, query: str, page: str) -> str:
    url = reverse("workshops:desk", args=[workshop.slug])
    params = "&".join(f"{k}={v}" for k, v in (("q", query), ("page", page)) if v)
    return f"{url}?{params}" if params else url


@door(post=Action.RUN_WORKSHOP, find=find_workshop)
def walk_in(request, workshop):
    form = WalkInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the walk-in's name and sector."))
        return redirect("workshops:desk", workshop.slug)
    try:
        registration = services.walk_in(workshop, **form.cleaned_data)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is registered and checked in.") % {"name": registration.display_name},
        )
    return redirect("workshops:desk", workshop.slug)


@door(post=Action.PLAN_WORKSHOP, find=find_workshop)
def new_join_code(request, workshop):
    if not confirmed(request):
        return ask_first(
            request,
            Question(
                title=_("Make a new join code?"),
                losses=[
                    _(
                        "The code %(code)s stops working at once, with its link and QR code: "
                        "anyone who has it on a poster, a slide or in an email needs the new one."
                    )
                    % {"code": workshop.join_code}
                ],
                stays=[_("Everyone already registered stays registered.")],
                yes=_("Yes, make a new code"),
                cancel_url=reverse("workshops:desk", args=[workshop.slug]),
            ),
            {"workshop": workshop, "coalition": workshop.coalition},
        )
    code = services.regenerate_join_code(workshop)
    messages.success(
        request, _("The new join code is %(code)s; the old one no longer works.") % {"code": code}
    )
    return redirect("workshops:desk", workshop.slug)


@door(get=Action.VIEW, find=find_workshop)
def ics(request, workshop):
    body = calendar.workshop_ics(workshop, request.build_absolute_uri(workshop.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workshop.slug}.ics"'
    return response


@door(get=Action.VIEW, find=find_workshop)
def join_qr(request, workshop):
    link = request.build_absolute_uri(reverse("workshops:join", args=[workshop.join_code]))
    return HttpResponse(qr_svg(link), content_type="image/svg+xml")
