"""Every URL of the site, tried by nine kinds of visitor, against a public and a private coalition.

For each URL pattern the table below says who may open it (GET) and who may post to it, and what
a post must do. The test walks the URL resolver, so a pattern without an expectation fails; it
checks that refused requests change nothing and that GETs never do, that allowed posts change
what they should, and that nobody outside a private coalition reads any of its text.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from security.forms import form_data
from security.snapshots import snapshot
from security.world import (
    FACILITATOR,
    MEMBER,
    NO_ROLE,
    OBSERVER,
    ORGANISER,
    OUTSIDER,
    REGISTRANT,
    STRANGERS,
    VISITORS,
    World,
    build_world,
)

from coproduce.core.doors import door_of
from coproduce.core.routes import routes

pytestmark = pytest.mark.django_db

SHOW, CHANGE, REFUSE = "show", "change", "refuse"

ALL = frozenset(VISITORS)
ACCOUNTS = frozenset({OUTSIDER, NO_ROLE, OBSERVER, MEMBER, FACILITATOR, ORGANISER})
NOT_SIGNED_IN = ALL - ACCOUNTS
ROLES = frozenset({OBSERVER, MEMBER, FACILITATOR, ORGANISER})
RUN = frozenset({FACILITATOR, ORGANISER})
ORG = frozenset({ORGANISER})


def sees_coalition(w: World) -> frozenset:
    return ALL if w.public else ROLES


def sees_workshop(w: World) -> frozenset:
    """Registering with the workshop's code lets a guest see that workshop and its café."""
    return ALL if w.public else ROLES | {REGISTRANT}


Expect = Callable[[str, World], str]


def allowed(who: Callable[[World], frozenset] | frozenset, then: str = SHOW) -> Expect:
    """`then` for visitors in `who` (a set, or one that depends on the coalition), else refuse."""

    def expect(visitor: str, w: World) -> str:
        group = who(w) if callable(who) else who
        return then if visitor in group else REFUSE

    return expect


def within(who, rule: Callable[[str, World], str]) -> Expect:
    """Refused for visitors outside `who`; `rule` decides for those inside."""

    def expect(visitor: str, w: World) -> str:
        group = who(w) if callable(who) else who
        return rule(visitor, w) if visitor in group else REFUSE

    return expect


def for_everyone(outcome: str) -> Expect:
    return lambda visitor, w: outcome


@dataclass
class Case:
    """One object behind a URL pattern: how to reach it, and what each visitor may do."""

    args: Callable[[World], list]
    get: Expect | None = None  # None: the door does not take GET
    post: Expect | None = None
    data: Callable[[World, str], dict] = lambda w, visitor: {}
    reveals: frozenset = frozenset()  # what a visitor holding the link's secret may read
    label: str = ""


def one(**kwargs) -> list[Case]:
    return [Case(**kwargs)]


# --- the table -------------------------------------------------------------------------------


def _guest_or_account_data(w, visitor):
    return {"display_name": "Newcomer", "sector": "residents"}


def _coalition_form(w, visitor):
    from coproduce.coalitions.forms import CoalitionForm

    return {**form_data(CoalitionForm(instance=w.coalition)), "purpose": "Changed purpose"}


def _workshop_form(w, visitor):
    from coproduce.workshops.forms import WorkshopForm

    return {**form_data(WorkshopForm(instance=w.workshop)), "venue": "Changed venue"}


def _programme(w, visitor):
    from coproduce.workshops.forms import ConclusionFormSet

    data = form_data(ConclusionFormSet(instance=w.workshop, prefix="conclusions"))
    data.update({"conclusions-TOTAL_FORMS": "1", "conclusions-0-text": "A new conclusion"})
    data["conclusions-0-order"] = "0"
    return data


def _cafe_setup(w, visitor):
    from coproduce.cafe.forms import CafeForm, RoundQuestionFormSet, TableFormSet

    cafe = w.cafe
    data = {
        **form_data(CafeForm(instance=cafe, prefix="cafe")),
        **form_data(
            TableFormSet(instance=cafe, prefix="tables", participants=cafe.participants.all())
        ),
        **form_data(RoundQuestionFormSet(instance=cafe, prefix="rounds")),
    }
    data["cafe-minutes_per_round"] = "17"
    return data


def _cafe_people(w, visitor):
    from coproduce.cafe.forms import ParticipantFormSet

    formset = ParticipantFormSet(
        queryset=w.cafe.participants.order_by("registration__display_name", "pk")[:100],
        prefix="people",
    )
    data = form_data(formset)
    data["people-0-immobile"] = "on"
    return data


def _profile(w, visitor):
    return {"full_name": "A new name", "sector": "research"}


def _new_workshop(w, visitor):
    return {
        "title": "Another workshop",
        "time_zone": "UTC",
        "starts_at": "2031-01-01T10:00",
        "ends_at": "2031-01-01T12:00",
    }


def _rule(w, visitor):
    first, second = w.rule_pair
    return {"kind": "apart", "first": first.pk, "second": second.pk}


def _move_seat(w, visitor):
    from coproduce.cafe import moves

    seen = moves.route_of(moves.room_of(w.cafe), w.cafe, w.participant.pk)
    return {"round_number": "2", "scope": "one", "table": w.table_elsewhere.pk, "seen": seen}


def _vote(w, visitor):
    return {"statement": w.statement.pk, "value": "-1"}


def _note(w, visitor):
    return {"round_number": "1", "text": "A new note"}


def _confirmed(w, visitor):
    """A destructive action acts only when its confirmation page sends `confirm`."""
    return {"confirm": "yes"}


def _theme_rename(w, visitor):
    return {"edit": "rename", "question": str(w.question.pk), "theme": "1", "label": "Renamed"}


def _cancel(visitor, w):
    return CHANGE if visitor == REGISTRANT else SHOW


def _register(visitor, w):
    # Accounts register; anyone else is sent to the join code's page.
    return CHANGE if visitor in ACCOUNTS else SHOW


def _keeps_language(visitor, w):
    # The language switcher keeps a signed-in person's choice on their account.
    return CHANGE if visitor in ACCOUNTS else SHOW


def _voter_only(visitor, w):
    return CHANGE if visitor == MEMBER else SHOW  # the member already takes part


def _becomes_voter(visitor, w):
    return SHOW if visitor == MEMBER else CHANGE


def _join_workshop(visitor, w):
    return SHOW if visitor == REGISTRANT else CHANGE


def _accept_invitation(visitor, w):
    return CHANGE if visitor in ACCOUNTS else REFUSE  # others are sent to log in first


def _signup(visitor, w):
    return SHOW if visitor in ACCOUNTS else CHANGE


def _signup_data(w, visitor):
    password = "a-long-Passw0rd-for-tests"
    return {
        "full_name": "New Person",
        "email": f"new-{visitor.replace(' ', '-')}@example.org",
        "sector": "research",
        "password1": password,
        "password2": password,
    }


def _emails():
    from coproduce.workshops import emails

    return emails


def _slug(w):
    return [w.workshop.slug]


def _coalition(w):
    return [w.coalition.slug]


def _cafe(w):
    return [w.cafe.pk]


def _conversation(w):
    return [w.conversation.pk]


def _linked(w):
    return [w.linked_conversation.pk]


def sees_conversation(w):
    return sees_coalition(w)


def sees_linked(w):
    return sees_workshop(w)


CONTRIBUTORS = frozenset({MEMBER, FACILITATOR, ORGANISER})


def _draft(w) -> list:
    return [w.coalition.slug, w.charter.pk]


def _draft_edit(w, visitor) -> dict:
    principle = w.principle
    return {
        "title": w.charter.title,
        "preamble": "A changed preamble",
        "what_changed": "",
        "base": "",
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "1",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "60",
        "p-0-pk": str(principle.pk),
        "p-0-title": principle.title,
        "p-0-meaning": principle.meaning,
        "p-0-ORDER": "1",
    }


def _strategy(w) -> list:
    return [w.coalition.slug, w.strategy.pk]


def _strategy_start(w, visitor) -> dict:
    return {
        "title": "Another strategy",
        "s-TOTAL_FORMS": "1",
        "s-INITIAL_FORMS": "0",
        "s-0-title": "Why",
        "s-0-text": "Because.",
    }


def _call(w, version) -> list:
    return [w.coalition.slug, version.charter_id, version.number]


def _signing(w, visitor):
    return {
        "signing_as": "organisation",
        "organisation_name": f"New org {visitor}",
        "name": "A signer",
        "role": "Chair",
        "sector": "residents",
        "email": f"{visitor.replace(' ', '-')}@example.org",
        "public": "on",
    }


def _signed_as_member(visitor, w):
    return CHANGE if visitor == MEMBER else SHOW  # the member signed while signed in


def reads_entry(w: World) -> frozenset:
    """Accounts that may read the coalition's entry (and so propose a correction to it)."""
    return ACCOUNTS if w.public else ROLES


def _entry_form(key: str):
    def data(w, visitor):
        from coproduce.library.forms import EditEntryForm, initial_of
        from coproduce.library.services import latest_number

        entry = w.objects[key]
        initial = {**initial_of(entry), "base": latest_number(entry)}
        return {**form_data(EditEntryForm(entry=entry, initial=initial)), "title": "Edited"}

    return data


def _correction_form(key: str):
    def data(w, visitor):
        from coproduce.library import services
        from coproduce.library.forms import CorrectionForm

        form = CorrectionForm(entry=w.objects[key])
        base = str(services.latest_number(w.objects[key]))
        changes = {"city": "Somewhere else", "reason": "The city is wrong.", "base": base}
        return {**form_data(form), **changes}

    return data


def _entry_cases(get_for: dict) -> list[Case]:
    """One case for each library entry of the world: who may open this page for it."""
    return [
        Case(args=lambda w, k=key: [w.objects[k].pk], get=allowed(who), label=key)
        for key, who in get_for.items()
    ]


SEES_ENTRY = {
    "entry": sees_coalition,
    "shared_entry": ALL,
    "pending_entry": frozenset({OUTSIDER}),  # its proposer (and the staff)
}


def _assessment(w):
    return [w.assessment.pk]


ANSWERERS = frozenset({MEMBER, FACILITATOR, ORGANISER})


UPDATERS = frozenset({MEMBER, ORGANISER})  # the world's action is led by the member


def _stop_token(w):
    from coproduce.plans.reminders import stop_token

    return stop_token(w.accounts[MEMBER], ["due_soon"])


def _plan_form(w, visitor):
    return {"title": "A changed plan", "summary": "Changed"}


def _plan_action_form(w, visitor):
    return {
        "title": "A changed action",
        "owners": [w.organisation.pk],
        "lead": w.accounts[MEMBER].pk,
        "status": "in_progress",
        "progress": "30",
        "weight": "1",
    }


def _job_cases(name: str) -> list[Case]:
    jobs = {
        "public_version_job": sees_workshop,
        "members_version_job": lambda w: ROLES,
        "draft_job": lambda w: ORG,
        "cafe_job": lambda w: RUN,
        "conversation_job": lambda w: RUN,
    }
    return [
        Case(args=lambda w, k=key: [w.objects[k].pk], get=allowed(who), label=key)
        for key, who in jobs.items()
    ]


PATTERNS: dict[str, list[Case]] = {
    # The site's own pages.
    "home": one(args=lambda w: [], get=for_everyone(SHOW)),
    "mine": one(args=lambda w: [], get=allowed(ACCOUNTS)),
    # The API's reference page and description; its operations are walked by tests/api.
    "api:reference": one(args=lambda w: [], get=for_everyone(SHOW)),
    "api:openapi": one(args=lambda w: [], get=for_everyone(SHOW)),
    # A signed-in person's choice is also kept on their account (for their emails).
    "set_language": one(
        args=lambda w: [], post=_keeps_language, data=lambda w, v: {"language": "es"}
    ),
    "people:signup": one(
        args=lambda w: [], get=for_everyone(SHOW), post=_signup, data=_signup_data
    ),
    "people:login": one(
        args=lambda w: [],
        get=for_everyone(SHOW),
        post=for_everyone(SHOW),
        data=lambda w, v: {"username": "nobody@example.org", "password": "wrong"},
    ),
    "people:logout": one(args=lambda w: [], post=for_everyone(SHOW)),
    "people:profile": one(
        args=lambda w: [], get=allowed(ACCOUNTS), post=allowed(ACCOUNTS, CHANGE), data=_profile
    ),
    "people:token_create": one(
        args=lambda w: [],
        post=allowed(ACCOUNTS, CHANGE),
        data=lambda w, v: {"name": "A program", "scope": "read", "expiry": "30"},
    ),
    # The world's token is the organiser's: anyone else's revoke finds nothing (404).
    "people:token_revoke": one(
        args=lambda w: [w.api_token.pk], post=allowed(ORG, CHANGE), data=_confirmed
    ),
    "people:password_reset": one(
        args=lambda w: [],
        get=for_everyone(SHOW),
        post=for_everyone(SHOW),
        data=lambda w, v: {"email": "nobody@example.org"},
    ),
    "people:password_reset_done": one(args=lambda w: [], get=for_everyone(SHOW)),
    "people:password_reset_confirm": one(
        args=lambda w: ["MQ", "set-password"], get=for_everyone(SHOW), post=for_everyone(SHOW)
    ),
    "people:password_reset_complete": one(args=lambda w: [], get=for_everyone(SHOW)),
    "people:password_change": one(
        args=lambda w: [],
        get=allowed(ACCOUNTS),
        post=allowed(ACCOUNTS),
        data=lambda w, v: {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    ),
    # Coalitions.
    "coalitions:list": one(args=lambda w: [], get=for_everyone(SHOW)),
    "coalitions:create": one(
        args=lambda w: [],
        get=allowed(ACCOUNTS),
        post=allowed(ACCOUNTS, CHANGE),
        data=lambda w, v: {"name": "New coalition", "purpose": "P", "visibility": "public"},
    ),
    "coalitions:accept_invitation": one(
        args=lambda w: [w.invitation.token],
        get=for_everyone(SHOW),
        post=_accept_invitation,
        reveals=frozenset({"coalition"}),
    ),
    "coalitions:detail": one(args=_coalition, get=allowed(sees_coalition)),
    "coalitions:edit": one(
        args=_coalition,
        get=allowed(lambda w: ORG),
        post=allowed(lambda w: ORG, CHANGE),
        data=_coalition_form,
    ),
    "coalitions:members": one(args=_coalition, get=allowed(ORG)),
    "coalitions:change_role": one(
        args=lambda w: [w.coalition.slug, w.other_member.pk],
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {f"m{w.other_member.pk}-role": "observer"},
    ),
    "coalitions:remove_member": one(
        args=lambda w: [w.coalition.slug, w.other_member.pk],
        post=allowed(ORG, CHANGE),
        data=_confirmed,
    ),
    "coalitions:invite": one(
        args=_coalition,
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"role": "member", "email": "", "max_uses": "1"},
    ),
    "coalitions:revoke_invitation": one(
        args=lambda w: [w.coalition.slug, w.spare_invitation.pk], post=allowed(ORG, CHANGE)
    ),
    "coalitions:add_organisation": one(
        args=_coalition,
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"name": "Brand new org", "sector": "business"},
    ),
    "coalitions:remove_organisation": one(
        args=lambda w: [w.coalition.slug, w.organisation.pk], post=allowed(ORG, CHANGE)
    ),
    # Webhooks: the coalition's organisers only.
    "webhooks:list": one(
        args=_coalition,
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"url": "https://other.example.org/in", "events": ["registration"]},
    ),
    "webhooks:detail": one(args=lambda w: [w.coalition.slug, w.webhook.pk], get=allowed(ORG)),
    "webhooks:test": one(
        args=lambda w: [w.coalition.slug, w.webhook.pk], post=allowed(ORG, CHANGE)
    ),
    "webhooks:delete": one(
        args=lambda w: [w.coalition.slug, w.webhook.pk], post=allowed(ORG, CHANGE), data=_confirmed
    ),
    # Workshops.
    "workshops:join_start": one(
        args=lambda w: [],
        get=for_everyone(SHOW),
        post=for_everyone(SHOW),
        data=lambda w, v: {"code": w.workshop.join_code},
        reveals=frozenset({"workshop", "workshop code"}),
    ),
    "workshops:join": one(
        args=lambda w: [w.workshop.join_code],
        get=for_everyone(SHOW),
        post=_join_workshop,
        data=_guest_or_account_data,
        reveals=frozenset({"workshop", "workshop code"}),
    ),
    "workshops:create": one(
        args=_coalition,
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: _new_workshop(w, v),
    ),
    "workshops:detail": one(args=_slug, get=allowed(sees_workshop)),
    "workshops:edit": one(
        args=_slug, get=allowed(ORG), post=allowed(ORG, CHANGE), data=_workshop_form
    ),
    "workshops:programme": one(
        args=lambda w: [w.workshop.slug, "conclusions"],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=_programme,
    ),
    "workshops:register": one(
        args=_slug, post=within(sees_workshop, _register), data=lambda w, v: {"sector": "research"}
    ),
    "workshops:cancel": one(args=_slug, post=within(sees_workshop, _cancel)),
    "workshops:desk": one(args=_slug, get=allowed(RUN)),
    "workshops:registrations_csv": one(args=_slug, get=allowed(RUN)),
    # Emailed links: the signed token is the key, whoever holds it (no login needed).
    "workshops:cancel_by_link": one(
        args=lambda w: [_emails().cancel_token(w.desk_registration)],
        get=for_everyone(SHOW),
        post=for_everyone(CHANGE),
        reveals=frozenset({"workshop"}),
    ),
    "workshops:unsubscribe": one(
        args=lambda w: [_emails().unsubscribe_token(w.desk_registration)],
        get=for_everyone(SHOW),
        post=for_everyone(CHANGE),
        reveals=frozenset({"workshop"}),
    ),
    "workshops:check_in": one(
        args=lambda w: [w.workshop.slug, w.desk_registration.pk],
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {"present": "1"},
    ),
    "workshops:walk_in": one(
        args=_slug,
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {"display_name": "Walker", "sector": "other"},
    ),
    "workshops:new_join_code": one(args=_slug, post=allowed(ORG, CHANGE), data=_confirmed),
    "workshops:ics": one(args=_slug, get=allowed(sees_workshop)),
    "workshops:join_qr": one(args=_slug, get=allowed(sees_workshop)),
    # Background jobs and their files.
    "jobs:detail": _job_cases("detail"),
    "jobs:download": _job_cases("download"),
    # World Café.
    "cafe:open": one(args=lambda w: [w.second_item.pk], post=allowed(RUN, CHANGE)),
    "cafe:setup": one(args=_cafe, get=allowed(RUN), post=allowed(RUN, CHANGE), data=_cafe_setup),
    "cafe:people": one(args=_cafe, get=allowed(RUN), post=allowed(RUN, CHANGE), data=_cafe_people),
    "cafe:add_newcomers": one(args=_cafe, post=allowed(RUN, CHANGE)),
    "cafe:add_rule": one(args=_cafe, post=allowed(RUN, CHANGE), data=_rule),
    "cafe:delete_rule": one(
        args=lambda w: [w.cafe.pk, w.rule.pk], post=allowed(RUN, CHANGE), data=_confirmed
    ),
    "cafe:plan": one(args=_cafe, get=allowed(RUN)),
    "cafe:make_plan": one(args=_cafe, post=allowed(RUN, CHANGE)),
    "cafe:move_seat": one(
        args=lambda w: [w.cafe.pk, w.participant.pk],
        get=allowed(RUN),
        post=allowed(RUN, CHANGE),
        data=_move_seat,
    ),
    "cafe:seat_now": one(args=lambda w: [w.cafe.pk, w.newcomer.pk], post=allowed(RUN, CHANGE)),
    "cafe:late_arrivals": one(args=_cafe, get=allowed(RUN)),
    "cafe:live": one(args=_cafe, get=allowed(RUN)),
    "cafe:advance": one(
        args=_cafe,
        get=allowed(RUN),
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {"round": str(w.cafe.next_round)},
    ),
    # Nothing to undo in the world (no token shown): told so, nothing changes.
    "cafe:undo": one(args=_cafe, post=allowed(RUN), data=lambda w, v: {"token": "stale"}),
    "cafe:pause": one(
        args=_cafe,
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {"round": str(w.cafe.current_round)},
    ),
    "cafe:minutes": one(
        args=_cafe,
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {"round": str(w.cafe.current_round), "minutes": "2"},
    ),
    "cafe:close": one(
        args=_cafe, get=allowed(RUN), post=allowed(RUN, CHANGE), data=lambda w, v: {"confirm": "1"}
    ),
    "cafe:screen": one(args=_cafe, get=allowed(RUN)),
    "cafe:mine": one(args=_cafe, get=allowed(sees_workshop)),
    "cafe:personal": one(
        args=lambda w: [w.participant.key],
        get=for_everyone(SHOW),
        post=for_everyone(SHOW),
        reveals=frozenset({"workshop", "cafe", "participant"}),
    ),
    "cafe:table_notes": [
        Case(
            args=lambda w: [w.cafe.pk, w.table.pk],
            get=allowed(RUN | {REGISTRANT}),
            post=allowed(RUN | {REGISTRANT}, CHANGE),
            data=_note,
            label="a table the registrant sat at",
        ),
        Case(
            args=lambda w: [w.cafe.pk, w.table_elsewhere.pk],
            get=allowed(RUN),
            post=allowed(RUN, CHANGE),
            data=_note,
            label="a table the registrant never sat at",
        ),
    ],
    "cafe:edit_note": [
        Case(
            args=lambda w: [w.note.pk],
            get=allowed(RUN),
            post=allowed(RUN, CHANGE),
            data=_note,
            label="someone else's note at the registrant's table",
        ),
        Case(
            args=lambda w: [w.own_note.pk],
            get=allowed(RUN | {REGISTRANT}),
            post=allowed(RUN | {REGISTRANT}, CHANGE),
            data=_note,
            label="the registrant's own note",
        ),
    ],
    "cafe:restore_note": [
        Case(
            args=lambda w: [w.note.pk, w.note.revisions.first().pk],
            post=allowed(RUN, CHANGE),
            label="someone else's note at the registrant's table",
        ),
        Case(
            args=lambda w: [w.own_note.pk, w.own_note.revisions.first().pk],
            post=allowed(RUN | {REGISTRANT}, CHANGE),
            label="the registrant's own note",
        ),
    ],
    "cafe:note_photo": one(args=lambda w: [w.note.pk], get=allowed(sees_workshop)),
    "cafe:harvest": one(args=_cafe, get=allowed(sees_workshop)),
    "cafe:harvest_csv": one(args=_cafe, get=allowed(RUN)),
    "cafe:printables": one(args=lambda w: [w.cafe.pk, "roster"], post=allowed(RUN, CHANGE)),
    "cafe:breakout_csv": one(args=_cafe, get=allowed(RUN)),
    # Conversations: one of the coalition's own, one belonging to the workshop.
    "conversations:create": one(
        args=_coalition,
        get=allowed(RUN),
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {
            "question": "A new question?",
            "moderation": "post",
            "statement_max_length": "280",
        },
    ),
    "conversations:join": one(
        args=lambda w: [w.conversation.join_code],
        get=for_everyone(SHOW),
        post=_becomes_voter,
        data=_guest_or_account_data,
        reveals=frozenset({"conversation", "conversation code"}),
    ),
    "conversations:detail": [
        Case(args=_conversation, get=allowed(sees_conversation)),
        Case(args=_linked, get=allowed(sees_linked), label="linked to the workshop"),
    ],
    "conversations:room": [
        Case(args=_conversation, get=allowed(sees_conversation)),
        Case(args=_linked, get=allowed(sees_linked), label="linked to the workshop"),
    ],
    "conversations:results": [
        Case(args=_conversation, get=allowed(sees_conversation)),
        Case(args=_linked, get=allowed(sees_linked), label="linked to the workshop"),
    ],
    "conversations:vote": [
        Case(
            args=_conversation,
            get=allowed(sees_conversation),
            post=within(sees_conversation, _voter_only),
            data=_vote,
        ),
        Case(
            args=_linked,
            get=allowed(sees_linked),
            post=allowed(sees_linked),  # nobody takes part there yet: sent to the page first
            data=_vote,
            label="linked to the workshop",
        ),
    ],
    "conversations:take_part": [
        Case(
            args=_conversation,
            post=within(sees_conversation, _becomes_voter),
            data=_guest_or_account_data,
        ),
        Case(
            args=_linked,
            post=allowed(sees_linked, CHANGE),
            data=_guest_or_account_data,
            label="linked to the workshop",
        ),
    ],
    "conversations:add_statement": one(
        args=_conversation,
        post=within(sees_conversation, _voter_only),
        data=lambda w, v: {"text": "A statement nobody wrote before"},
    ),
    "conversations:my_votes": one(args=_conversation, get=allowed(sees_conversation)),
    "conversations:change_vote": one(
        args=_conversation, post=within(sees_conversation, _voter_only), data=_vote
    ),
    "conversations:moderate": one(args=_conversation, get=allowed(RUN)),
    "conversations:moderate_statement": one(
        args=lambda w: [w.conversation.pk, w.statement.pk],
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {"action": "reject"},
    ),
    "conversations:moderate_voter": one(
        args=lambda w: [w.conversation.pk, w.voter.pk],
        post=allowed(RUN, CHANGE),
        data=lambda w, v: {"excluded": "1"},
    ),
    "conversations:export": one(args=_conversation, post=allowed(RUN, CHANGE)),
    "conversations:new_join_code": one(
        args=_conversation, post=allowed(RUN, CHANGE), data=_confirmed
    ),
    "conversations:join_qr": one(args=_conversation, get=allowed(RUN)),
    # Reports.
    "reports:css": one(args=lambda w: [], get=for_everyone(SHOW)),
    "reports:edit": one(
        args=_slug,
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"conclusions": "New conclusions"},
    ),
    "reports:publish": one(
        args=_slug, post=allowed(ORG, CHANGE), data=lambda w, v: {"visibility": "public"}
    ),
    "reports:version": [
        Case(args=lambda w: [w.workshop.slug, 1], get=allowed(sees_workshop), label="public"),
        Case(args=lambda w: [w.workshop.slug, 2], get=allowed(ROLES), label="members only"),
        Case(args=lambda w: [w.workshop.slug, 3], get=allowed(frozenset()), label="draft"),
    ],
    "reports:download_version": [
        Case(
            args=lambda w: [w.workshop.slug, 1, "md"],
            post=allowed(sees_workshop, CHANGE),
            label="public",
        ),
        Case(
            args=lambda w: [w.workshop.slug, 2, "md"],
            post=allowed(ROLES, CHANGE),
            label="members only",
        ),
    ],
    "reports:download": one(args=lambda w: [w.workshop.slug, "md"], post=allowed(ORG, CHANGE)),
    "reports:themes": one(
        args=_slug, get=allowed(RUN), post=allowed(RUN, CHANGE), data=_theme_rename
    ),
    "reports:find_themes": one(args=_slug, post=allowed(RUN, CHANGE), data=_confirmed),
    "coalition_report:page": one(args=_coalition, get=allowed(sees_coalition)),
    "coalition_report:download": one(
        args=lambda w: [w.coalition.slug, "md"], post=allowed(sees_coalition, CHANGE)
    ),
    # The library: a coalition's entry, a published shared entry, a shared one waiting.
    "library:search": one(args=lambda w: [], get=for_everyone(SHOW)),
    "library:moderation": one(args=lambda w: [], get=allowed(ACCOUNTS)),
    "library:create": one(
        args=lambda w: [],
        get=allowed(ACCOUNTS),
        post=allowed(ACCOUNTS, CHANGE),
        data=lambda w, v: {"kind": "case", "title": "A new entry"},
    ),
    "library:create_for": one(
        args=_coalition,
        get=allowed(CONTRIBUTORS),
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"kind": "case", "title": "What we learned"},
    ),
    "library:entry": _entry_cases(SEES_ENTRY),
    "library:history": _entry_cases(SEES_ENTRY),
    "library:edit": [
        Case(
            args=lambda w, k=key: [w.objects[k].pk],
            get=allowed(who),
            post=allowed(who, CHANGE),
            data=_entry_form(key),
            label=key,
        )
        for key, who in {
            "entry": CONTRIBUTORS,
            "shared_entry": frozenset(),  # the staff only
            "pending_entry": frozenset({OUTSIDER}),  # its proposer, until it is published
        }.items()
    ],
    "library:correct": [
        Case(
            args=lambda w, k=key: [w.objects[k].pk],
            get=allowed(who),
            post=allowed(who, CHANGE),
            data=_correction_form(key),
            label=key,
        )
        for key, who in {
            "entry": reads_entry,
            "shared_entry": ACCOUNTS,
            "pending_entry": frozenset(),  # nothing public to correct yet
        }.items()
    ],
    "library:correction": one(
        args=lambda w: [w.entry.pk, w.correction.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"decision": "decline", "reply": "Thank you, but no."},
    ),
    "library:moderate": [
        Case(
            args=lambda w: [w.entry.pk],
            post=allowed(ORG, CHANGE),
            data=lambda w, v: {"decision": "decline"},
            label="entry",
        ),
        Case(
            args=lambda w: [w.pending_entry.pk],
            post=allowed(frozenset()),  # the staff only
            data=lambda w, v: {"decision": "publish"},
            label="pending_entry",
        ),
    ],
    # Bringing entries into the work: whoever contributes to the coalition.
    "library:link_workshop": one(
        args=_slug,
        get=allowed(CONTRIBUTORS),
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"entry": w.shared_entry.pk, "question": w.question.pk, "note": "Why"},
    ),
    "library:link_coalition": one(
        args=_coalition,
        get=allowed(CONTRIBUTORS),
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"entry": w.shared_entry.pk, "note": "Why"},
    ),
    "library:unlink": one(args=lambda w: [w.link.pk], post=allowed(CONTRIBUTORS, CHANGE)),
    # Self-assessments: the member answered; organisers run them and read each answer; members
    # answer; anyone holding the link answers with no account.
    "assessments:list": one(args=_coalition, get=allowed(sees_coalition)),
    "assessments:create": one(
        args=_coalition,
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"title": "Another assessment", "source": "framework:nef"},
    ),
    "assessments:detail": one(args=_assessment, get=allowed(sees_coalition)),
    "assessments:change_state": one(
        args=_assessment, post=allowed(ORG, CHANGE), data=lambda w, v: {"step": "close"}
    ),
    "assessments:promise": one(
        args=_assessment,
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"scale": "ladder", "level": "co_design"},
    ),
    "assessments:answer": one(
        args=_assessment,
        get=allowed(ANSWERERS),
        post=allowed(ANSWERERS, CHANGE),
        data=lambda w, v: {"sector": "research", "score-equality": "2"},
    ),
    "assessments:share": one(args=_assessment, get=allowed(ORG)),
    "assessments:results": one(args=_assessment, get=allowed(sees_coalition)),
    "assessments:answers": one(args=_assessment, get=allowed(ORG)),
    "assessments:download": one(
        args=lambda w: [w.assessment.pk, "csv"], get=allowed(sees_coalition)
    ),
    "assessments:responses": one(args=lambda w: [w.assessment.pk, "json"], get=allowed(ORG)),
    "assessments:answer_by_link": one(
        args=lambda w: [w.assessment.link_code],
        get=for_everyone(SHOW),
        post=for_everyone(CHANGE),
        data=lambda w, v: {"display_name": "Linked", "sector": "residents", "score-equality": "1"},
        reveals=frozenset({"assessment", "assessment link"}),
    ),
    # The call to action: version 2 is published (version 1 replaced), version 3 a draft.
    # Drafting a charter: members read the draft (in a public coalition too), organisers,
    # facilitators and members comment and propose, organisers edit and decide.
    "charters:list": one(args=_coalition, get=allowed(sees_coalition)),
    "charters:create": one(
        args=_coalition,
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"title": "Another charter", "start": "framework", "framework": "nef"},
    ),
    "charters:detail": one(args=_draft, get=allowed(ROLES)),
    "charters:edit": one(
        args=_draft, get=allowed(ORG), post=allowed(ORG, CHANGE), data=_draft_edit
    ),
    "charters:propose_new": one(
        args=_draft,
        get=allowed(CONTRIBUTORS),
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"title": "A new one", "meaning": "Words", "reason": "Missing"},
    ),
    "charters:propose": one(
        args=lambda w: [*_draft(w), w.principle.pk],
        get=allowed(CONTRIBUTORS),
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"title": "Reworded", "meaning": "Words", "reason": "Clearer"},
    ),
    "charters:comment": one(
        args=lambda w: [*_draft(w), w.principle.pk],
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"text": "A comment"},
    ),
    "charters:proposal": one(
        args=lambda w: [*_draft(w), w.proposal.pk],
        get=allowed(ROLES),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"decision": "decline", "reply": "Not this time."},
    ),
    "charters:versions": one(args=_draft, get=allowed(ROLES)),
    "charters:compare": one(args=_draft, get=allowed(ROLES)),
    "charters:converse": one(args=_draft, post=allowed(ORG, CHANGE), data=_confirmed),
    "charters:call": [
        Case(args=lambda w: _call(w, w.call), get=allowed(sees_coalition)),
        Case(args=lambda w: _call(w, w.call_replaced), get=allowed(sees_coalition), label="old"),
        Case(args=lambda w: _call(w, w.call_draft), get=allowed(ROLES), label="draft"),
    ],
    "charters:short_link": one(args=lambda w: [w.call.short_code], get=allowed(sees_coalition)),
    "charters:sign": [
        Case(
            args=lambda w: _call(w, w.call),
            get=allowed(sees_coalition),
            post=allowed(sees_coalition, CHANGE),
            data=_signing,
        ),
        Case(
            args=lambda w: _call(w, w.call_replaced),
            get=allowed(sees_coalition),
            post=allowed(sees_coalition),  # the page says the version was replaced
            data=_signing,
            label="replaced",
        ),
    ],
    "charters:signed": one(args=lambda w: _call(w, w.call), get=allowed(sees_coalition)),
    "charters:withdraw_mine": one(
        args=lambda w: _call(w, w.call), post=within(sees_coalition, _signed_as_member)
    ),
    "charters:publish": one(
        args=lambda w: _call(w, w.call_draft), post=allowed(ORG, CHANGE), data=_confirmed
    ),
    "charters:signatures_csv": one(args=lambda w: _call(w, w.call), get=allowed(ORG)),
    "charters:call_csv": one(args=lambda w: _call(w, w.call), get=allowed(sees_coalition)),
    "charters:call_json": one(args=lambda w: _call(w, w.call), get=allowed(sees_coalition)),
    "charters:signature": one(
        args=lambda w: [w.signature_token],
        get=for_everyone(SHOW),
        post=for_everyone(CHANGE),
        data=lambda w, v: {"action": "confirm"},
        reveals=frozenset({"call"}),
    ),
    "charters:reconfirm": one(
        args=lambda w: [w.reconfirm_token],
        get=for_everyone(SHOW),
        post=for_everyone(CHANGE),
        data=lambda w, v: {"action": "reconfirm"},
        reveals=frozenset({"call"}),
    ),
    # Action plans, read: everyone who may see the coalition reads its plans and their files.
    "plans:list": one(args=_coalition, get=allowed(sees_coalition)),
    "plans:detail": one(args=lambda w: [w.coalition.slug, w.plan.pk], get=allowed(sees_coalition)),
    "plans:csv": one(args=lambda w: [w.coalition.slug, w.plan.pk], get=allowed(sees_coalition)),
    "plans:ics": one(args=lambda w: [w.coalition.slug, w.plan.pk], get=allowed(sees_coalition)),
    "plans:atom": one(args=lambda w: [w.coalition.slug, w.plan.pk], get=allowed(sees_coalition)),
    "plans:action": one(
        args=lambda w: [w.coalition.slug, w.action.pk], get=allowed(sees_coalition)
    ),
    "plans:evidence": one(
        args=lambda w: [w.coalition.slug, w.action.pk, w.plan_update.pk],
        get=allowed(sees_coalition),
    ),
    # Action plans, written: organisers write the plan; the action's lead (the member) and
    # organisers post updates (the organisation's person who is not a member may not).
    "plans:create": one(
        args=_coalition, get=allowed(ORG), post=allowed(ORG, CHANGE), data=_plan_form
    ),
    "plans:edit": one(
        args=lambda w: [w.coalition.slug, w.plan.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=_plan_form,
    ),
    "plans:add_goal": one(
        args=lambda w: [w.coalition.slug, w.plan.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"title": "Another goal", "weight": "2"},
    ),
    "plans:edit_goal": one(
        args=lambda w: [w.coalition.slug, w.plan.pk, w.goal.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"title": "Renamed goal", "weight": "3"},
    ),
    "plans:add_action": one(
        args=lambda w: [w.coalition.slug, w.plan.pk, w.goal.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=_plan_action_form,
    ),
    "plans:edit_action": one(
        args=lambda w: [w.coalition.slug, w.action.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=_plan_action_form,
    ),
    "plans:post_update": one(
        args=lambda w: [w.coalition.slug, w.action.pk],
        get=allowed(UPDATERS),
        post=allowed(UPDATERS, CHANGE),
        data=lambda w, v: {"text": "Halfway there", "status": "in_progress", "progress": "50"},
    ),
    "plans:sources": one(
        args=lambda w: [w.coalition.slug, w.action.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"remove": str(w.action.sources.get().pk)},
    ),
    # The "turn off" link in plan emails: the signed token is the key (no login needed).
    "plans:stop_emails": one(
        args=lambda w: [_stop_token(w)], get=for_everyone(SHOW), post=for_everyone(CHANGE)
    ),
    "plans:email_time": one(
        args=_coalition,
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"send_at": "07:30"},
    ),
    "plans:answers": one(
        args=_coalition,
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"item": f"theme:{w.workshop.report.pk}:1", "reason": "Done elsewhere"},
    ),
    # Emailing a workshop's participants what came of it: organisers ask, then send. Nothing
    # came of the world's workshop (its action traces to another conversation), so the post
    # sends nothing; tests/plans/test_outcomes_email.py sends.
    "plans:tell_outcomes": one(
        args=lambda w: [w.coalition.slug, w.workshop.slug], get=allowed(ORG), post=allowed(ORG)
    ),
    # Open data: only a public coalition publishes; the world's publishes nothing yet, so
    # there is no bundle to download or build (tests/opendata build and download one).
    "opendata:page": one(
        args=_coalition,
        get=allowed(sees_coalition),
        post=within(ORG, lambda v, w: CHANGE if w.public else SHOW),
        data=lambda w, v: {"published": "on", "licence": "CC-BY-4.0"},
    ),
    "opendata:build": one(args=_coalition, post=allowed(ORG)),
    "opendata:download": one(args=_coalition, get=for_everyone(REFUSE)),
    # A strategy: members read it (in a public coalition too), organisers, facilitators and
    # members propose amendments and comment, organisers write sections and decide.
    "strategies:list": one(args=_coalition, get=allowed(sees_coalition)),
    "strategies:create": one(
        args=_coalition, get=allowed(ORG), post=allowed(ORG, CHANGE), data=_strategy_start
    ),
    "strategies:detail": one(args=_strategy, get=allowed(ROLES)),
    "strategies:edit_section": one(
        args=lambda w: [*_strategy(w), w.strategy_section.pk],
        get=allowed(ORG),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"title": "Renamed", "text": "Changed words", "revision": "1"},
    ),
    "strategies:propose": one(
        args=lambda w: [*_strategy(w), w.strategy_section.pk],
        get=allowed(CONTRIBUTORS),
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"title": "Reworded", "text": "Words", "why": "Clearer", "revision": "1"},
    ),
    "strategies:propose_new": one(
        args=_strategy,
        get=allowed(CONTRIBUTORS),
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"title": "A new one", "text": "Words", "why": "Missing"},
    ),
    "strategies:amendment": one(
        args=lambda w: [*_strategy(w), w.amendment.pk],
        get=allowed(ROLES),
        post=allowed(ORG, CHANGE),
        data=lambda w, v: {"decision": "decline", "reason": "Not this time."},
    ),
    "strategies:comment": one(
        args=lambda w: [*_strategy(w), w.amendment.pk],
        post=allowed(CONTRIBUTORS, CHANGE),
        data=lambda w, v: {"text": "A comment"},
    ),
    "strategies:versions": one(args=_strategy, get=allowed(ROLES)),
    "strategies:compare": one(args=_strategy, get=allowed(ROLES)),
}


# --- running it ------------------------------------------------------------------------------


def site_routes():
    """Every route but the admin's and the API's operations (tests/api/test_permissions.py
    walks every operation of the API's description with the same visitors and worlds)."""
    return [
        route
        for route in routes()
        if route.namespace.split(":")[0] != "admin"
        and not (route.namespace == "api" and door_of(route.callback) is None)
    ]


def test_every_url_pattern_has_an_expectation():
    names = {route.name for route in site_routes()}
    assert names - set(PATTERNS) == set(), "URL patterns with no expectation in PATTERNS"
    assert set(PATTERNS) - names == set(), "expectations for URL patterns that do not exist"


def test_every_view_has_a_door_that_matches_the_expectation():
    for route in site_routes():
        door = door_of(route.callback)
        assert door is not None, f"{route.name} has no door"
        for case in PATTERNS[route.name]:
            assert ("GET" in door.actions) == (case.get is not None), route.name
            assert ("POST" in door.actions) == (case.post is not None), route.name


LOGIN = re.compile(r"/(accounts|admin)/login/")


def outcome_of(response) -> str:
    if response.status_code in (403, 404, 405, 429):
        return REFUSE
    if response.status_code in (301, 302, 303) and LOGIN.search(response["Location"]):
        return REFUSE
    if response.status_code < 400:
        return SHOW
    return f"status {response.status_code}"


def text_of(response) -> str:
    body = b"" if getattr(response, "streaming", False) else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return headers + body.decode(errors="replace")


def secrets_of(w: World) -> dict[str, str]:
    return {
        **w.markers,
        "workshop code": w.workshop.join_code,
        "conversation code": w.conversation.join_code,
        "linked conversation code": w.linked_conversation.join_code,
        "invitation": w.spare_invitation.token,
        "assessment link": w.assessment.link_code,
    }


def try_one(w: World, name: str, case: Case, method: str, visitor: str, before: dict) -> list:
    """Run one request in a transaction that is rolled back; the problems found, if any."""
    problems = []
    expect = case.get if method == "GET" else case.post
    wanted = expect(visitor, w)
    with transaction.atomic():
        cache.clear()
        client = w.client(visitor)
        url = reverse(name, args=case.args(w))
        data = case.data(w, visitor) if method == "POST" else None
        response = client.generic(method, url) if data is None else client.post(url, data)
        got = outcome_of(response)
        after = snapshot()
        changed = after != before
        where = f"{method} {name} {case.label} as {visitor} ({'public' if w.public else 'private'})"
        if got == SHOW and changed:
            got = CHANGE
        if got != wanted:
            problems.append(f"{where}: expected {wanted}, got {got} ({response.status_code})")
        if method == "GET" and changed:
            problems.append(f"{where}: a GET changed {describe(before, after)}")
        if not w.public and visitor in STRANGERS:
            text = text_of(response)
            for label, secret in secrets_of(w).items():
                if secret in text and label not in case.reveals:
                    problems.append(f"{where}: the response shows the {label}")
        transaction.set_rollback(True)
    return problems


def describe(before: dict, after: dict) -> str:
    return ", ".join(table for table in after if after[table] != before.get(table)) or "?"


def run_matrix(w: World) -> list[str]:
    before = snapshot()
    problems = []
    for route in site_routes():
        for case in PATTERNS[route.name]:
            for method, expect in (("GET", case.get), ("POST", case.post)):
                if expect is None:
                    continue
                for visitor in VISITORS:
                    problems += try_one(w, route.name, case, method, visitor, before)
    return problems


@pytest.fixture
def quiet_tasks(settings):
    # Jobs are queued, not run: what matters here is who may start them.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
def test_every_url_for_every_visitor(public, quiet_tasks):
    world = build_world(public)
    problems = run_matrix(world)
    assert problems == [], "\n".join(problems)


def test_methods_a_door_does_not_take_are_refused(quiet_tasks):
    world = build_world(public=True)
    before = snapshot()
    problems = []
    for route in site_routes():
        door = door_of(route.callback)
        case = PATTERNS[route.name][0]
        for method in {"GET", "POST", "PUT", "DELETE"} - set(door.actions):
            with transaction.atomic():
                client = world.client(ORGANISER)
                response = client.generic(method, reverse(route.name, args=case.args(world)))
                if response.status_code != 405 or snapshot() != before:
                    problems.append(f"{method} {route.name}: {response.status_code}")
                transaction.set_rollback(True)
    assert problems == []


def admin_urls() -> list[tuple[str, str]]:
    """Every admin URL pattern, with made-up arguments (the admin refuses before looking)."""
    urls = []
    for route in routes():
        if route.namespace != "admin":
            continue
        if "(?P<" in route.pattern:  # the admin's catch-all
            urls.append((route.name or "catch-all", "/admin/no-such-page/"))
            continue
        urls.append((route.name, "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route.pattern)))
    return urls


def admin_expectation(name: str, method: str) -> set[str]:
    if name == "admin:login":
        return {SHOW}  # the login form, shown again
    if name == "admin:logout":
        return {SHOW, REFUSE}  # logging out harms nobody: only no error and no change
    return {REFUSE}


def test_the_admin_refuses_everyone_who_is_not_staff(quiet_tasks):
    """Django's admin has its own door (staff only): nobody of the nine gets past it."""
    world = build_world(public=True)
    before = snapshot()
    problems = []
    urls = admin_urls()
    for name, url in urls:
        with transaction.atomic():
            for visitor in VISITORS:
                for method in ("GET", "POST"):
                    cache.clear()
                    got = outcome_of(world.client(visitor).generic(method, url))
                    if got not in admin_expectation(name, method):
                        problems.append(f"{method} {url} as {visitor}: {got}")
            if snapshot() != before:
                problems.append(f"{url} changed something")
            transaction.set_rollback(True)
    assert len(urls) > 40  # every model's pages, not only the index
    assert problems == [], "\n".join(problems)
