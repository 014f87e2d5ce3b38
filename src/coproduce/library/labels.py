"""Readable, translated names for the keys entries store (Participedia's and ours).

Participedia keeps its answers as short keys ("consult", "facetoface", "cogovernance"); a council
officer reads words. Each table lists the keys we know; a key not in a table is shown as it is
(an import may bring values nobody listed yet, and they must stay visible rather than vanish).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coproduce.core.countries import country_name

from .models import Kind, Mode

KINDS = dict(Kind.choices)
MODES = dict(Mode.choices)

# IAP2 spectrum of public participation (Participedia's `public_spectrum`).
IAP2 = {
    "inform": _("Inform"),
    "consult": _("Consult"),
    "involve": _("Involve"),
    "collaborate": _("Collaborate"),
    "empower": _("Empower"),
}

# Loeffler and Bovaird's four Co's.
FOUR_COS = {
    "co_commissioning": _("Co-commissioning"),
    "co_design": _("Co-design"),
    "co_delivery": _("Co-delivery"),
    "co_assessment": _("Co-assessment"),
}

# The ladder of co-production (Think Local Act Personal and the National Co-production
# Advisory Group), from the bottom rung up.
LADDER = {
    "coercion": _("Coercion"),
    "educating": _("Educating"),
    "informing": _("Informing"),
    "consultation": _("Consultation"),
    "engagement": _("Engagement"),
    "co_design": _("Co-design"),
    "co_production": _("Co-production"),
}

ISSUES = {
    "agriculture": _("Agriculture, forestry, fishing and mining"),
    "arts": _("Arts, culture and recreation"),
    "business": _("Business"),
    "economics": _("Economics"),
    "education": _("Education"),
    "energy": _("Energy"),
    "environment": _("Environment"),
    "governance": _("Governance and political institutions"),
    "health": _("Health"),
    "housing": _("Housing"),
    "human_rights": _("Human rights and civil rights"),
    "identity": _("Identity and diversity"),
    "immigration": _("Immigration and migration"),
    "international": _("International affairs"),
    "labor": _("Labour and work"),
    "law": _("Law enforcement, criminal justice and corrections"),
    "planning": _("Planning and development"),
    "science": _("Science and technology"),
    "social": _("Social welfare"),
    "transportation": _("Transport"),
}

PURPOSES = {
    "make": _("Make, influence or challenge decisions of government"),
    "develop": _("Develop people's civic capacities"),
    "deliver": _("Deliver goods and services"),
    "academic": _("Research"),
    "research": _("Research"),
}

APPROACHES = {
    "advocacy": _("Advocacy"),
    "citizenship": _("Citizenship building"),
    "civil": _("Civil society building"),
    "cogovernance": _("Co-governance"),
    "consultation": _("Consultation"),
    "coproduction": _("Co-production in service delivery"),
    "direct": _("Direct decision-making"),
    "evaluation": _("Evaluation, oversight and social auditing"),
    "independent": _("Independent action"),
    "informal": _("Informal conversation"),
    "leadership": _("Leadership development"),
    "protest": _("Protest"),
    "research": _("Research"),
    "social": _("Social mobilisation"),
}

METHOD_TYPES = {
    "collaborative": _("Collaborative approaches"),
    "community": _("Community development, organising and mobilisation"),
    "deliberative": _("Deliberative and dialogic process"),
    "direct": _("Direct democracy"),
    "e_government": _("E-government"),
    "evaluation": _("Evaluation, oversight and social auditing"),
    "experiential": _("Experiential and immersive education"),
    "informal": _("Informal participation"),
    "informal_participation": _("Informal participation"),
    "leadership": _("Leadership development"),
    "longterm": _("Long-term civic bodies"),
    "participantled": _("Participant-led meetings"),
    "planning": _("Planning"),
    "protest": _("Protest"),
    "public": _("Public meetings"),
    "public_meetings": _("Public meetings"),
    "research": _("Research"),
    "survey": _("Survey"),
}

DECISION_METHODS = {
    "general": _("General agreement or consensus"),
    "idea": _("Idea generation"),
    "opinion": _("Opinion survey"),
    "voting": _("Voting"),
    "dont": _("Decisions were not made"),
    "na": _("Not applicable"),
}

ORGANISER_TYPES = {
    "academic": _("Academic institution"),
    "activist": _("Activist network"),
    "community": _("Community-based organisation"),
    "faithbased": _("Faith-based organisation"),
    "forprofit": _("For-profit business"),
    "governmentowned": _("Government-owned corporation"),
    "individual": _("Individual"),
    "international": _("International organisation"),
    "labortrade": _("Labour or trade union"),
    "local": _("Local government"),
    "national": _("National government"),
    "nongovernmental": _("Non-governmental organisation"),
    "philanthropic": _("Philanthropic organisation"),
    "regional": _("Regional government"),
    "social": _("Social movement"),
}

RECRUITMENT = {
    "captive": _("Captive sample"),
    "random": _("Random sample"),
    "stratified": _("Stratified random sample"),
    "appointment": _("Appointment"),
    "election": _("Election"),
    "open": _("Open to all"),
}

LANGUAGES = {
    "en": _("English"),
    "es": _("Spanish"),
    "ca": _("Catalan"),
    "fr": _("French"),
    "de": _("German"),
    "it": _("Italian"),
    "nl": _("Dutch"),
    "pt": _("Portuguese"),
}

# Field (or facet) name -> its table. Facets use the search's names (issue, iap2, decade).
TABLES = {
    "kind": KINDS,
    "mode": MODES,
    "iap2": IAP2,
    "iap2_level": IAP2,
    "four_cos": FOUR_COS,
    "ladder_step": LADDER,
    "issue": ISSUES,
    "issues": ISSUES,
    "purposes": PURPOSES,
    "approaches": APPROACHES,
    "method_types": METHOD_TYPES,
    "decision_methods": DECISION_METHODS,
    "organiser_types": ORGANISER_TYPES,
    "recruitment": RECRUITMENT,
    "language": LANGUAGES,
}

# What each facet is called in the "Narrow by" panel.
FACET_NAMES = {
    "kind": _("Kind"),
    "country": _("Country"),
    "city": _("City"),
    "issue": _("Issue"),
    "iap2": _("Level of public participation"),
    "four_cos": _("The four Co's"),
    "mode": _("Face to face or online"),
    "decade": pgettext_lazy("years of an entry", "Decade"),
}


def label(name: str, value) -> str:
    """The readable label of one stored value of field or facet `name`."""
    if value is None or value == "":
        return ""
    if name == "decade":
        return _("%(decade)ss") % {"decade": value}
    if name == "country":
        return country_name(str(value))
    table = TABLES.get(name)
    if table is None:
        return str(value)
    return str(table.get(value, value))


def labels(name: str, values) -> list[str]:
    return [label(name, value) for value in values or []]


def choices(name: str, keep=()) -> list[tuple[str, str]]:
    """The known values of a field as form choices, plus any values an entry already holds
    that the table does not know (so editing an imported entry loses none of them)."""
    table = TABLES[name]
    offered = _unique_labels([(key, str(text)) for key, text in table.items()])
    keys = {key for key, _text in offered}
    extra = [(value, label(name, value)) for value in keep if value and value not in keys]
    return offered + extra


def _unique_labels(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Two keys with one meaning ("academic", "research") are offered once, by the first."""
    shown, result = set(), []
    for key, text in pairs:
        if text not in shown:
            shown.add(text)
            result.append((key, text))
    return result
