import time

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coproduce.coalitions.models import Coalition
from coproduce.coalitions.permissions import Action, authorize, can
from coproduce.core.ratelimit import check_request, hit_request
from coproduce.jobs.services import start_job
from coproduce.people.guests import current_guest, remember_guest
from coproduce.people.models import Guest

from . import selectors, services
from .access import remember_voter, voter_of
from .forms import ConversationForm, JoinForm, StatementForm
from .models import Conversation, Statement, Voter
from .presenting import map_view

VOTERS_PAGE_SIZE = 100


def _conversation(conversation_id) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("coalition", "workshop"), pk=conversation_id
    )


# Votes arrive many times a second in a live room; each process keeps the conversation it
# votes into for a moment instead of reading it again for every vote. A change to it (closing
# it, making the coalition private) reaches votes within VOTE_CACHE_SECONDS.
VOTE_CACHE_SECONDS = 2.0
_for_votes: dict[int, tuple[float, Conversation]] = {}


def _conversation_for_vote(conversation_id: int) -> Conversation:
    now = time.monotonic()
    cached = _for_votes.get(conversation_id)
    if cached and now - cached[0] < VOTE_CACHE_SECONDS:
        return cached[1]
    conversation = _conversation(conversation_id)
    _for_votes[conversation_id] = (now, conversation)
    return conversation


@require_http_methods(["GET", "POST"])
def create(request, coalition_slug):
    coalition = get_object_or_404(Coalition, slug=coalition_slug)
    authorize(request, Action.RUN_CONVERSATION, coalition)
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


def detail(request, conversation_id):
    """The map and the figures; the facilitator's copy refreshes itself while people vote."""
    conversation = _conversation(conversation_id)
    authorize(request, Action.VIEW, conversation)
    context = {
        "conversation": conversation,
        "coalition": conversation.coalition,
        "can_run": can(request.user, Action.RUN_CONVERSATION, conversation),
        "map": map_view(conversation),
        "figures": selectors.figures(conversation),
        "voter": voter_of(request, conversation),
        "join_url": request.build_absolute_uri(
            reverse("conversations:join", args=[conversation.join_code])
        ),
    }
    if request.headers.get("HX-Request"):
        return render(request, "conversations/detail.html#live", context)
    return render(request, "conversations/detail.html", context)


def _voter_or_join(request, conversation: Conversation) -> Voter | None:
    """This browser's voter, creating it for a logged-in person or a known guest."""
    voter = voter_of(request, conversation)
    if voter is not None:
        return voter
    if request.user.is_authenticated:
        voter = services.voter_for(conversation, person=request.user)
    elif (guest := current_guest(request)) is not None:
        voter = services.voter_for(conversation, guest=guest)
    else:
        return None
    remember_voter(request, voter)
    return voter


@require_http_methods(["GET", "POST"])
def join(request, code):
    """Take part with the conversation's code: a display name and a sector, no account."""
    check_request("join", request)
    conversation = Conversation.objects.filter(join_code=code.upper()).first()
    if conversation is None:
        hit_request("join", request)
        raise Http404
    if _voter_or_join(request, conversation) is not None:
        return redirect("conversations:vote", conversation.pk)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hit_request("guest", request)
        with transaction.atomic():
            guest = Guest.objects.create(**form.cleaned_data)
            services.voter_for(conversation, guest=guest)
        remember_guest(request, guest)
        return redirect("conversations:vote", conversation.pk)
    return render(request, "conversations/join.html", {"conversation": conversation, "form": form})


def _vote_context(request, conversation, voter) -> dict:
    done, total = selectors.progress(voter)
    return {
        "conversation": conversation,
        "coalition": conversation.coalition,
        "voter": voter,
        "statement": selectors.next_statement(voter),
        "done": done,
        "total": total,
        "statement_form": StatementForm(max_length=conversation.statement_max_length),
    }


@require_http_methods(["GET", "POST"])
def vote(request, conversation_id):
    """One statement at a time: agree, disagree or pass (a form post; no JavaScript needed)."""
    if request.method == "POST":
        conversation = _conversation_for_vote(conversation_id)
    else:
        conversation = _conversation(conversation_id)
    voter = _voter_or_join(request, conversation)
    if voter is None:
        return redirect("conversations:join", conversation.join_code)
    authorize(request, Action.VIEW, conversation)
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


@require_POST
def add_statement(request, conversation_id):
    conversation = _conversation(conversation_id)
    voter = _voter_or_join(request, conversation)
    if voter is None:
        return redirect("conversations:join", conversation.join_code)
    authorize(request, Action.VIEW, conversation)
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


def my_votes(request, conversation_id):
    conversation = _conversation(conversation_id)
    voter = voter_of(request, conversation)
    if voter is None:
        return redirect("conversations:join", conversation.join_code)
    authorize(request, Action.VIEW, conversation)
    page = Paginator(selectors.my_votes(voter), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "conversations/my_votes.html",
        {"conversation": conversation, "page": page, "coalition": conversation.coalition},
    )


@require_POST
def change_vote(request, conversation_id):
    conversation = _conversation(conversation_id)
    voter = voter_of(request, conversation)
    if voter is None:
        raise Http404
    authorize(request, Action.VIEW, conversation)
    _record_vote(request, conversation, voter)
    return redirect("conversations:my_votes", conversation.pk)


def moderate(request, conversation_id):
    conversation = _conversation(conversation_id)
    authorize(request, Action.RUN_CONVERSATION, conversation)
    voters = Paginator(conversation.voters.order_by("display_name", "pk"), VOTERS_PAGE_SIZE)
    context = {
        "conversation": conversation,
        "coalition": conversation.coalition,
        "statements": selectors.moderation_queue(conversation),
        "page": voters.get_page(request.GET.get("page")),
        "log": conversation.moderation_log.select_related("actor", "statement", "voter")[:50],
    }
    return render(request, "conversations/moderate.html", context)


@require_POST
def moderate_statement(request, conversation_id, statement_id):
    conversation = _conversation(conversation_id)
    authorize(request, Action.RUN_CONVERSATION, conversation)
    statement = get_object_or_404(Statement, pk=statement_id, conversation=conversation)
    try:
        services.moderate_statement(statement, request.POST.get("action", ""), request.user)
    except services.ConversationError as error:
        messages.error(request, str(error))
    return redirect("conversations:moderate", conversation.pk)


@require_POST
def moderate_voter(request, conversation_id, voter_id):
    conversation = _conversation(conversation_id)
    authorize(request, Action.RUN_CONVERSATION, conversation)
    voter = get_object_or_404(Voter, pk=voter_id, conversation=conversation)
    services.set_voter_excluded(voter, request.POST.get("excluded") == "1", request.user)
    return redirect("conversations:moderate", conversation.pk)


@require_POST
def export(request, conversation_id):
    """The conversation in Pol.is's open-data format, as a zip made by the worker."""
    conversation = _conversation(conversation_id)
    authorize(request, Action.RUN_CONVERSATION, conversation)
    latest = conversation.votes.order_by("-updated_at").values_list("updated_at", flat=True).first()
    job = start_job(
        kind="conversations.export",
        key=f"conversation:{conversation.pk}:export:{latest}:{conversation.statements.count()}",
        title=_("Pol.is export of “%(question)s”") % {"question": conversation.question},
        coalition=conversation.coalition,
        action=Action.RUN_CONVERSATION,
        params={"conversation": conversation.pk},
        user=request.user,
    )
    return redirect(job)
