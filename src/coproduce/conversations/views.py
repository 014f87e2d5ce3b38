from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core import codes
from coproduce.core.confirm import Question, ask_first, confirmed
from coproduce.core.doors import door
from coproduce.core.qr import qr_svg
from coproduce.core.ratelimit import hit_request
from coproduce.core.recent import Recent
from coproduce.jobs.services import start_job
from coproduce.people.guests import current_guest, remember_guest

from . import selectors, services
from .access import remember_voter, remembered_voter, voter_of
from .forms import ConversationForm, ExportForm, JoinForm, StatementForm
from .models import Conversation, Statement, Voter
from .outcomes import add_to_common_ground
from .presenting import group_names, map_is_fresh, map_view, statement_votes

VOTERS_PAGE_SIZE = 100


def find_conversation(request, conversation_id: int) -> Conversation:
    """The conversation without its map: a vote routes by the priorities stored beside it."""
    return get_object_or_404(
        selectors.without_map().select_related("coalition", "workshop"), pk=conversation_id
    )


def find_conversation_with_map(request, conversation_id: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("coalition", "workshop").defer("map_state"),
        pk=conversation_id,
    )


# Votes arrive many times a second in a live room; each process keeps the conversation it
# votes into for a moment instead of reading it again for every vote. A change to it (closing
# it, making the coalition private) reaches votes within VOTE_CACHE_SECONDS.
VOTE_CACHE_SECONDS = 2.0
_for_votes = Recent[Conversation](seconds=VOTE_CACHE_SECONDS)


def find_conversation_to_vote(request, conversation_id: int) -> Conversation:
    if request.method != "POST":
        return find_conversation(request, conversation_id)
    return _for_votes.get(conversation_id, lambda: find_conversation(request, conversation_id))


def find_conversation_by_code(request, code: str) -> Conversation:
    """The conversation a code names. Wrong codes count against the visitor's allowance, a
    room's typos gently (see core.codes)."""
    codes.check_attempt(request)
    found = selectors.without_map().filter(join_code=codes.normalise_code(code))
    conversation = found.first()
    if conversation is None:
        codes.count_wrong(request, code)
        raise Http404
    codes.count_right(request, conversation.join_code)
    return conversation


@door(get=Action.RUN_CONVERSATION, post=Action.RUN_CONVERSATION, find=find_coalition)
def create(request, coalition):
    initial = {"workshop": request.GET.get("workshop")}
    form = ConversationForm(
        request.POST or None, request.FILES or None, coalition=coalition, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ConversationForm.Meta.fields}
        conversation = services.open_conversation(
            coalition=coalition, seed_statements=form.cleaned_data["seed_statements"], **fields
        )
        messages.success(request, _("The conversation is open. Share its code or QR code."))
        return redirect(conversation)
    return render(request, "conversations/form.html", {"form": form, "coalition": coalition})


@door(get=Action.VIEW, find=find_conversation_with_map)
def detail(request, conversation):
    """The map and the figures; the facilitator's copy refreshes itself while people vote.

    The refresh (an htmx request) gets the live part alone, read from what the worker stored
    with the map: a few queries however many votes there are, and nothing written."""
    can_run = can(request.user, Action.RUN_CONVERSATION, conversation)
    polling = bool(request.headers.get("HX-Request"))
    # A refresh only marks the voter the session already knows: polling stays query-free.
    voter = remembered_voter(request, conversation) if polling else voter_of(request, conversation)
    context = {
        "conversation": conversation,
        "coalition": conversation.coalition,
        "can_run": can_run,
        "map": add_to_common_ground(map_view(conversation, voter), conversation, request.user),
        "figures": selectors.shown_figures(conversation),
        "time_zone": selectors.time_zone_of(conversation),
        "map_fresh": map_is_fresh(conversation),
        "voter": voter,  # the refresh, too, says where the voter's dot is or will be
    }
    if polling:
        return render(request, "conversations/detail.html#live", context)
    if can_run:
        context["join_url"] = _join_url(request, conversation)
        context["export_form"] = ExportForm()
    return render(request, "conversations/detail.html", context)


@door(get=Action.VIEW, find=find_conversation_with_map)
def room(request, conversation):
    """The map for a projector: large, high contrast, no controls, refreshing itself."""
    context = {
        "conversation": conversation,
        "map": map_view(conversation, room=True),
        "time_zone": selectors.time_zone_of(conversation),
        "map_fresh": map_is_fresh(conversation),
    }
    if request.headers.get("HX-Request"):
        return render(request, "conversations/room.html#room", context)
    return render(request, "conversations/room.html", context)


STATEMENTS_PAGE_SIZE = 50


@door(get=Action.VIEW, find=find_conversation_with_map)
def results(request, conversation):
    """Every statement people can vote on, with how everyone and each group voted on it."""
    data = conversation.map_data or {}
    stored = {s["id"]: s for s in data.get("statements", [])}
    groups = group_names(data) if data.get("k") else []
    statements = selectors.shown_statements(conversation).order_by("pk").only("pk", "text")
    page = Paginator(statements, STATEMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"statement": s, **(statement_votes(stored[s.pk], groups) if s.pk in stored else {})}
        for s in page
    ]
    context = {
        "conversation": conversation,
        "coalition": conversation.coalition,
        "page": page,
        "rows": rows,
        "time_zone": selectors.time_zone_of(conversation),
        "map_fresh": map_is_fresh(conversation),
    }
    return render(request, "conversations/results.html", context)


def _take_part(request, conversation: Conversation, *, via_code: bool):
    """Make this browser a voter (a POST, after the door or the code let them in)."""
    guest = current_guest(request)
    if request.user.is_authenticated:
        voter = services.voter_for(conversation, person=request.user, via_code=via_code)
    elif guest is not None:
        voter = services.voter_for(conversation, guest=guest, via_code=via_code)
    else:
        form = JoinForm(request.POST)
        if not form.is_valid():
            return _join_page(request, conversation, form, status=400)
        hit_request("guest", request)
        voter = services.join_as_guest(conversation, **form.cleaned_data, via_code=via_code)
        remember_guest(request, voter.guest)
    remember_voter(request, voter)
    return redirect("conversations:vote", conversation.pk)


def _join_page(request, conversation, form=None, *, action: str = "", status: int = 200):
    """Who you will take part as: your account, the guest you already are, or a new guest."""
    guest = current_guest(request)
    if form is None and not request.user.is_authenticated and guest is None:
        form = JoinForm()
    context = {
        "conversation": conversation,
        "form": form,
        "guest": guest,
        "action": action or reverse("conversations:take_part", args=[conversation.pk]),
    }
    return render(request, "conversations/join.html", context, status=status)


@door(get=Action.ENTER, post=Action.ENTER, find=find_conversation_by_code)
def join(request, conversation):
    """Take part with the conversation's code: a display name and a sector, no account.

    Opening the link only asks who you are; taking part is the POST."""
    if voter_of(request, conversation) is not None:
        return redirect("conversations:vote", conversation.pk)
    if request.method == "POST":
        return _take_part(request, conversation, via_code=True)
    return _join_page(request, conversation, action=request.path)


@door(post=Action.TAKE_PART, find=find_conversation)
def take_part(request, conversation):
    """Take part as someone the conversation already admits (a member, a registrant, or anyone
    in a public coalition), without its code."""
    if voter_of(request, conversation) is not None:
        return redirect("conversations:vote", conversation.pk)
    return _take_part(request, conversation, via_code=False)


def _vote_context(request, conversation, voter) -> dict:
    done, total, statement = selectors.voting_state(voter)
    return {
        "conversation": conversation,
        "coalition": conversation.coalition,
        "voter": voter,
        "statement": statement,
        "done": done,
        "total": total,
        "statement_form": StatementForm(max_length=conversation.statement_max_length),
    }


@door(get=Action.VIEW, post=Action.TAKE_PART, find=find_conversation_to_vote)
def vote(request, conversation):
    """One statement at a time: agree, disagree or pass (a form post; no JavaScript needed)."""
    voter = voter_of(request, conversation)
    if voter is None:
        if request.method == "POST":
            return redirect("conversations:vote", conversation.pk)
        return _join_page(request, conversation)
    if request.method == "POST":
        _record_vote(request, conversation, voter)
        if not request.headers.get("HX-Request"):
            return redirect("conversations:vote", conversation.pk)
    context = _vote_context(request, conversation, voter)
    template = (
        "conversations/vote.html#card"
        if request.headers.get("HX-Request")
        else "conversations/vote.html"
    )
    return render(request, template, context)


def _record_vote(request, conversation, voter) -> None:
    try:
        services.ensure_open(conversation)
        statement, value = (
            int(request.POST.get("statement", "")),
            int(request.POST.get("value", "")),
        )
        services.cast_vote(voter, statement, value)
    except ValueError:
        messages.error(request, _("A vote is agree, disagree or pass."))
    except services.ConversationError as error:
        messages.error(request, str(error))


@door(post=Action.TAKE_PART, find=find_conversation)
def add_statement(request, conversation):
    voter = voter_of(request, conversation)
    if voter is None:
        return redirect("conversations:vote", conversation.pk)
    form = StatementForm(request.POST, max_length=conversation.statement_max_length)
    if form.is_valid():
        try:
            statement = services.add_statement(voter, form.cleaned_data["text"])
        except services.ConversationError as error:
            messages.error(request, str(error))
        else:
            if statement.status == Statement.Status.PENDING:
                messages.success(request, _("Thank you. It appears once a moderator has read it."))
            else:
                messages.success(request, _("Thank you. Others will now vote on it."))
    else:
        messages.error(request, " ".join(form.errors.get("text", [])))
    return redirect("conversations:vote", conversation.pk)


@door(get=Action.VIEW, find=find_conversation)
def my_votes(request, conversation):
    voter = voter_of(request, conversation)
    if voter is None:
        return redirect("conversations:vote", conversation.pk)
    page = Paginator(selectors.my_votes(voter), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "conversations/my_votes.html",
        {"conversation": conversation, "page": page, "coalition": conversation.coalition},
    )


@door(post=Action.TAKE_PART, find=find_conversation)
def change_vote(request, conversation):
    voter = voter_of(request, conversation)
    if voter is None:
        return redirect("conversations:vote", conversation.pk)
    _record_vote(request, conversation, voter)
    return redirect("conversations:my_votes", conversation.pk)


@door(get=Action.RUN_CONVERSATION, find=find_conversation)
def moderate(request, conversation):
    voters = Paginator(conversation.voters.order_by("display_name", "pk"), VOTERS_PAGE_SIZE)
    context = {
        "conversation": conversation,
        "coalition": conversation.coalition,
        "statements": selectors.moderation_queue(conversation),
        "page": voters.get_page(request.GET.get("page")),
        "log": conversation.moderation_log.select_related("actor", "statement", "voter")[:50],
    }
    return render(request, "conversations/moderate.html", context)


@door(post=Action.RUN_CONVERSATION, find=find_conversation)
def moderate_statement(request, conversation, statement_id):
    statement = get_object_or_404(Statement, pk=statement_id, conversation=conversation)
    try:
        services.moderate_statement(statement, request.POST.get("action", ""), request.user)
    except services.ConversationError as error:
        messages.error(request, str(error))
    return redirect("conversations:moderate", conversation.pk)


@door(post=Action.RUN_CONVERSATION, find=find_conversation)
def moderate_voter(request, conversation, voter_id):
    voter = get_object_or_404(Voter, pk=voter_id, conversation=conversation)
    services.set_voter_excluded(voter, request.POST.get("excluded") == "1", request.user)
    return redirect("conversations:moderate", conversation.pk)


@door(post=Action.RUN_CONVERSATION, find=find_conversation)
def new_join_code(request, conversation):
    if not confirmed(request):
        return ask_first(
            request,
            Question(
                title=_("Make a new code for this conversation?"),
                losses=[
                    _(
                        "The code %(code)s stops letting people in at once, with its link and "
                        "QR code: anyone who has it on a poster, a slide or in a message needs "
                        "the new one."
                    )
                    % {"code": conversation.join_code}
                ],
                stays=[_("Everyone already taking part stays, with their votes and statements.")],
                yes=_("Yes, make a new code"),
                cancel_url=conversation.get_absolute_url(),
            ),
            {"conversation": conversation, "coalition": conversation.coalition},
        )
    code = services.regenerate_join_code(conversation)
    messages.success(
        request, _("The new join code is %(code)s; the old one no longer works.") % {"code": code}
    )
    return redirect(conversation)


@door(get=Action.RUN_CONVERSATION, find=find_conversation)
def join_qr(request, conversation):
    """The QR code of the code that lets people in: the workshop's for a workshop's
    conversation (one code per event), the conversation's own otherwise."""
    return HttpResponse(qr_svg(_join_url(request, conversation)), content_type="image/svg+xml")


def _join_url(request, conversation: Conversation) -> str:
    if conversation.workshop is not None:
        path = reverse("workshops:join", args=[conversation.workshop.join_code])
    else:
        path = reverse("conversations:join", args=[conversation.join_code])
    return request.build_absolute_uri(path)


@door(post=Action.RUN_CONVERSATION, find=find_conversation)
def export(request, conversation):
    """The conversation in Pol.is's open-data format, as a zip made by the worker."""
    form = ExportForm(request.POST)
    raw = form.is_valid() and form.cleaned_data["raw"]
    latest = conversation.votes.order_by("-updated_at").values_list("updated_at", flat=True).first()
    job = start_job(
        kind="conversations.export",
        fingerprint=(
            f"conversation:{conversation.pk}:export:{latest}:{conversation.statements.count()}"
            f":{'raw' if raw else 'safe'}"
        ),
        title=_("Pol.is export of “%(question)s”") % {"question": conversation.question},
        subject=conversation,
        action=Action.RUN_CONVERSATION,
        params={"conversation": conversation.pk, "raw": raw},
        user=request.user,
    )
    return redirect(job)
