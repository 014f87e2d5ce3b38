"""Built-in frameworks a charter or a self-assessment can start from.

Each is written in our own plain words (paraphrases, never the source's text) and carries the
credit and link its authors are owed; the credit travels with any charter started from it.
Sources and notes: /work/shared/reference/coproduction-frameworks.md, section 1.

Item keys are stable: assessments store scores against them, so never rename one; add new items
or new frameworks instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise  # a plain string or a lazily translated one


@dataclass(frozen=True)
class FrameworkItem:
    key: str
    title: Text
    meaning: Text
    asks: Text = ""


@dataclass(frozen=True)
class Framework:
    key: str
    name: Text
    credit: Text
    source_url: str
    items: tuple[FrameworkItem, ...]


SCIE = Framework(
    key="scie",
    name=_("SCIE's principles of co-production"),
    credit=_(
        "Adapted from the Social Care Institute for Excellence (SCIE), “Co-production in social "
        "care: what it is and how to do it” (Guide 51, 2013). Our own wording."
    ),
    source_url="https://www.scie.org.uk/publications/guides/guide51/",
    items=(
        FrameworkItem(
            "equality",
            _("Equality"),
            _(
                "Everyone brings something of value, whatever their role. Working as equals "
                "means power has to move, not just be talked about."
            ),
            _("Say which decisions you will share, and share them."),
        ),
        FrameworkItem(
            "diversity",
            _("Diversity"),
            _(
                "The people who are usually missing are sought out and welcomed, so the work "
                "reflects everyone it affects."
            ),
            _("Go to the people who are not yet in the room, and make room for them."),
        ),
        FrameworkItem(
            "accessibility",
            _("Accessibility"),
            _(
                "Everyone can take part in a way that suits them: place, time, language, "
                "format and support."
            ),
            _("Remove the barriers people tell you about, and ask what else stands in the way."),
        ),
        FrameworkItem(
            "reciprocity",
            _("Reciprocity"),
            _(
                "People get something back for what they give: payment, learning, influence "
                "or simply seeing what their effort changed."
            ),
            _("Recognise people's time and tell them what came of it."),
        ),
    ),
)

NEF = Framework(
    key="nef",
    name=_("nef's six elements of co-production"),
    credit=_(
        "Adapted from the six elements of co-production set out by the New Economics "
        "Foundation and Nesta (Boyle & Harris, “The Challenge of Co-production”, 2009; Boyle, "
        "Slay & Stephens, “Public Services Inside Out”, 2010). Our own wording."
    ),
    source_url="https://www.nesta.org.uk/report/the-challenge-of-co-production/",
    items=(
        FrameworkItem(
            "assets",
            _("People as assets"),
            _("People are partners with strengths to offer, not problems to be managed."),
            _("Start from what people bring, not from what they lack."),
        ),
        FrameworkItem(
            "capacity",
            _("Building on capacity"),
            _("The work grows from, and adds to, what people can already do."),
            _("Use and strengthen people's skills instead of replacing them."),
        ),
        FrameworkItem(
            "mutuality",
            _("Mutuality and reciprocity"),
            _("Obligations and rewards run both ways between people and institutions."),
            _("Agree what each side gives and gets, and keep to it."),
        ),
        FrameworkItem(
            "networks",
            _("Peer networks"),
            _("Networks of peers and neighbours work alongside professionals."),
            _("Support people to help each other, not only to be helped."),
        ),
        FrameworkItem(
            "blurring_roles",
            _("Blurring roles"),
            _("The line between those who provide and those who receive is loosened."),
            _("Let people take on roles usually kept for professionals."),
        ),
        FrameworkItem(
            "catalysts",
            _("Catalysts"),
            _("Public bodies help things happen rather than deliver everything themselves."),
            _("Make it easier for others to act, and step back when they do."),
        ),
    ),
)

JAM_AND_JUSTICE = Framework(
    key="jam_and_justice",
    name=_("Jam & Justice's seven practices"),
    credit=_(
        "Adapted from the seven practices in Perry, Durose, Richardson and the Action Research "
        "Collective, “How can we govern cities differently? The promise and practices of "
        "co-production” (Jam & Justice, Realising Just Cities, 2019), grown in Greater "
        "Manchester. Our own wording."
    ),
    source_url="https://jamandjustice-rjc.org/",
    items=(
        FrameworkItem(
            "designing_for_openness",
            _("Designing for openness"),
            _("Outcomes and agendas stay open so that everyone involved can shape them."),
            _("Do not settle the answer before people arrive."),
        ),
        FrameworkItem(
            "shaping_participation_dynamics",
            _("Shaping how people take part"),
            _("Who speaks, who listens and how power plays out are looked after on purpose."),
            _("Notice whose voice dominates and change the set-up when it does."),
        ),
        FrameworkItem(
            "blending_expertise",
            _("Blending expertise"),
            _("Lived experience, practice and research are valued together."),
            _("Treat knowledge from living it as seriously as knowledge from studying it."),
        ),
        FrameworkItem(
            "humanising_experiences",
            _("Humanising the work"),
            _("Relationships, care and feelings are part of the work, not a distraction."),
            _("Make time for people to know each other and to look after each other."),
        ),
        FrameworkItem(
            "linking_voice_and_values",
            _("Linking voice and values"),
            _("What people say is connected to what matters to them and why."),
            _("Ask about the values behind a view, not only the view."),
        ),
        FrameworkItem(
            "connecting_to_formal_decisions",
            _("Connecting with formal decisions"),
            _("The work is tied to real policy and to the places where decisions are made."),
            _("Name the decision your work feeds, and report back what happened to it."),
        ),
        FrameworkItem(
            "holding_the_process",
            _("Holding the process"),
            _("Facilitation, trust and continuity are kept up over time."),
            _("Commit people and time to keep the work going beyond one meeting."),
        ),
    ),
)

FRAMEWORKS: dict[str, Framework] = {f.key: f for f in (SCIE, NEF, JAM_AND_JUSTICE)}


def framework(key: str) -> Framework | None:
    return FRAMEWORKS.get(key)


def choices() -> list[tuple[str, str]]:
    """(key, name) pairs for a select, in a fixed order."""
    return [(f.key, f.name) for f in FRAMEWORKS.values()]
