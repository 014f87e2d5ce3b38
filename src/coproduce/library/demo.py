"""A small starter library for the demo, linked to the founding workshop's café.

The entries are written in the project's own words from the facts collected in the research
note on coproduction frameworks (its section 5: city strategies that coalitions learn from),
and each names the public page where a reader can check it. They are in the shared library,
published and marked as sample data; the founding workshop itself is written up as a case of
the demo coalition's own, which is how what a coalition learns flows back into the library.

Loading twice changes nothing: each entry is found by its key (source "coproduce" and a
stable source id) before it is created, and linking the same place twice changes nothing.
"""

from coproduce.workshops.models import AgendaQuestion

from . import notes, services
from .models import Entry

SOURCE = "coproduce"  # written by this project, not imported from elsewhere
LICENCE = "CC BY-SA 4.0 (Coproduce project)"
POLICY_QUESTION = "POLICY"  # labels of the demo café's questions (workshops/demo.py)
TOOLS_QUESTION = "TOOLS/VALUES"
WORKSHOP = "workshop"  # linked to the workshop as a whole
COALITION = "coalition"  # linked to the coalition's work in general

# (key, fields, [(where it is linked, why it matters there)]).
ENTRIES = [
    (
        "demo-bologna-2014",
        {
            "kind": "policy",
            "title": "Bologna's regulation on collaboration for the urban commons",
            "description": (
                "A 2014 regulation of the city of Bologna on how residents and the city "
                "work together to look after and regenerate shared goods (public spaces, "
                "buildings and digital resources) through written pacts of collaboration."
            ),
            "body": (
                "In 2014 Bologna adopted a regulation on collaboration between citizens and "
                "the city for the care and regeneration of urban commons. It treats squares, "
                "green spaces, buildings and digital resources as goods that residents and "
                "the council can look after together, rather than as things the council alone "
                "provides.\n\n"
                "The regulation works through **pacts of collaboration**: agreements between "
                "the city and the people involved about the care of a particular space, "
                "building or digital resource, setting out what each side will do.\n\n"
                "**Why it matters for coproduction.** A pact makes the shared work explicit: "
                "who contributes what, and how the partners work together. That is close to "
                "co-delivery among the four Co's, and it gives a coalition a concrete format "
                "to learn from: a written agreement rather than a general promise.\n\n"
                "**Questions to ask before borrowing it.** Which places or services would such "
                "an agreement cover here? Who on the public side could sign one? How would it "
                "be reviewed, renewed or ended?"
            ),
            "city": "Bologna",
            "province": "Emilia-Romagna",
            "country": "Italy",
            "start_year": 2014,
            "links": [
                {
                    "url": "https://www.comune.bologna.it/media/files/bolognaregulation.pdf",
                    "label": "The regulation (City of Bologna)",
                }
            ],
            "issues": ["governance", "planning"],
            "approaches": ["cogovernance", "coproduction"],
            "organiser_types": ["local"],
            "iap2_level": "collaborate",
            "four_cos": ["co_design", "co_delivery"],
            "ladder_step": "co_production",
            "decision_rights": (
                "Shared between the city and the residents or groups who sign each pact."
            ),
        },
        [(POLICY_QUESTION, "A city regulation that makes shared care of the commons a rule.")],
    ),
    (
        "demo-barcelona-2017",
        {
            "kind": "policy",
            "title": "Barcelona's citizen participation regulations and Decidim",
            "description": (
                "Regulations adopted by Barcelona City Council in October 2017 that set the "
                "rules for citizen initiatives, participatory processes, participation bodies "
                "and consultations, next to the city's Decidim platform, in use since "
                "February 2016."
            ),
            "body": (
                "On 6 October 2017 Barcelona adopted new citizen participation regulations. "
                "They describe the ways residents can take part in the city's decisions: "
                "citizen initiatives, participatory processes, standing participation bodies "
                "and consultations.\n\n"
                "Since February 2016 the city has also run **Decidim**, an open-source "
                "platform for participation, so the same processes can be followed and "
                "joined online as well as in meetings.\n\n"
                "**Why it matters for coproduction.** The regulations turn participation into "
                "a set of written routes with rules, rather than something offered case by "
                "case. Barcelona hosted the 18th IOPD conference in November 2018, where the "
                "Greater Manchester workshop asked whether other cities had coproduction "
                "strategies or action plans.\n\n"
                "**Questions to ask before borrowing it.** Which of these routes fits the "
                "questions a coalition works on? What does a regulation give that a "
                "voluntary agreement between partners does not, and the other way round?"
            ),
            "city": "Barcelona",
            "province": "Catalonia",
            "country": "Spain",
            "start_year": 2017,
            "links": [
                {
                    "url": "https://ajuntament.barcelona.cat/participaciociutadana",
                    "label": "Citizen participation (Barcelona City Council)",
                },
                {"url": "https://decidim.org", "label": "Decidim"},
            ],
            "issues": ["governance"],
            "approaches": ["consultation", "cogovernance"],
            "organiser_types": ["local"],
            "iap2_level": "involve",
            "four_cos": ["co_design"],
            "mode": "both",
        },
        [(POLICY_QUESTION, "Participation written into the city's own rules.")],
    ),
    (
        "demo-ghent-2017",
        {
            "kind": "policy",
            "title": "Ghent's Commons Transition Plan",
            "description": (
                "A plan for cooperation between the city of Ghent and the commons "
                "initiatives of its residents, written in 2017 by Bauwens and Onzia at the "
                "city's request, from about 80 interviews and a survey of 70 initiatives."
            ),
            "body": (
                "In June 2017 the city of Ghent received a Commons Transition Plan that it had "
                "commissioned from Bauwens and Onzia. The plan draws on 80 interviews and a "
                "survey of 70 initiatives.\n\n"
                "The plan asks how a city can work with such initiatives as a partner: "
                "cooperation between the public authority and the commons, rather than the "
                "city delivering everything or leaving residents on their own.\n\n"
                "**Why it matters for coproduction.** It looks at coproduction from the "
                "outside in: starting from what residents already do together and asking "
                "what the city can do to support it.\n\n"
                "**Questions to ask before borrowing it.** Which initiatives in our area "
                "already work this way? What would a map of them show, and who would make it?"
            ),
            "city": "Ghent",
            "province": "East Flanders",
            "country": "Belgium",
            "start_year": 2017,
            "links": [
                {
                    "url": (
                        "https://wiki.p2pfoundation.net/"
                        "Commons_Transition_Plan_for_the_City_of_Ghent"
                    ),
                    "label": "Commons Transition Plan for the City of Ghent (P2P Foundation wiki)",
                }
            ],
            "issues": ["governance", "economics"],
            "approaches": ["research", "cogovernance"],
            "organiser_types": ["local"],
            "four_cos": ["co_delivery"],
        },
        [(POLICY_QUESTION, "A plan built on what residents already run together.")],
    ),
    (
        "demo-lambeth-2011",
        {
            "kind": "policy",
            "title": "Lambeth's Co-operative Council",
            "description": (
                "The London Borough of Lambeth's January 2011 report on sharing power between "
                "residents and the council, drawn from about 3,000 submissions, with 14 "
                "conclusions and 36 recommendations, among them co-operative commissioning."
            ),
            "body": (
                "In January 2011 Lambeth published *The Co-operative Council: Sharing power*, "
                "which described a new settlement between citizens and the state. It "
                "gathered around 3,000 submissions and came to 14 conclusions and 36 "
                "recommendations.\n\n"
                "A central idea is **co-operative commissioning**: residents who use services "
                "take part in deciding which services are provided and how.\n\n"
                "**Why it matters for coproduction.** It puts co-commissioning, one of the "
                "four Co's, at the centre: residents share in deciding what is provided, not "
                "only in delivering it.\n\n"
                "**Questions to ask before borrowing it.** Which decisions about services "
                "could residents share in here? What support would they need to take part "
                "on equal terms?"
            ),
            "city": "London",
            "province": "Lambeth",
            "country": "United Kingdom",
            "start_year": 2011,
            "links": [
                {
                    # The council's own record of decision 2031 (ModernGov's decision page).
                    "url": "https://moderngov.lambeth.gov.uk/ieDecisionDetails.aspx?ID=2031",
                    "label": "Lambeth Council decision 2031: the Co-operative Council",
                }
            ],
            "issues": ["governance"],
            "approaches": ["cogovernance"],
            "organiser_types": ["local"],
            "four_cos": ["co_commissioning"],
        },
        [],
    ),
    (
        "demo-oldham-2011",
        {
            "kind": "policy",
            "title": "Co-operative Oldham",
            "description": (
                "Oldham Council's aim, since 2011, of a co-operative borough, set out in its "
                "Co-operative Charter: everybody does their bit and everybody benefits."
            ),
            "body": (
                "Since 2011 Oldham, in Greater Manchester, has described itself as a "
                "co-operative borough. Its Co-operative Charter sums "
                'the idea up as "everybody does their bit and everybody benefits".\n\n'
                "**Why it matters for coproduction.** The charter puts reciprocity at the "
                "centre: obligations and rewards run both ways between the council, "
                "partners and residents, one of the elements of coproduction in nef's "
                "framework.\n\n"
                '**Questions to ask before borrowing it.** What would "doing your bit" mean '
                "for the council and for partners, not only for residents? How would anyone "
                "know whether everybody benefits?"
            ),
            "city": "Oldham",
            "province": "Greater Manchester",
            "country": "United Kingdom",
            "start_year": 2011,
            "links": [
                {
                    "url": "https://www.oldham.gov.uk/info/200572/co-operative_oldham",
                    "label": "Co-operative Oldham (Oldham Council)",
                }
            ],
            "issues": ["governance"],
            "organiser_types": ["local"],
            "four_cos": ["co_delivery"],
        },
        [(COALITION, "A Greater Manchester neighbour's charter for a co-operative borough.")],
    ),
    (
        "demo-wigan-2013",
        {
            "kind": "policy",
            "title": "The Wigan Deal",
            "description": (
                "An informal deal between Wigan Council and its residents, begun around "
                "2013-14, backed by a Communities Investment Fund of about £10 million "
                "by 2018."
            ),
            "body": (
                "Around 2013-14 Wigan Council, in Greater Manchester, began what it calls "
                "**The Deal**: an informal agreement with residents about what the council "
                "will do and what residents can do in return.\n\n"
                "The council backed it with a Communities Investment Fund for local groups, "
                "which had reached about £10 million by 2018.\n\n"
                "**Why it matters for coproduction.** The Deal pairs a simple promise with "
                "money for community groups, so residents' part is supported as well as "
                "asked for.\n\n"
                "**Questions to ask before borrowing it.** Who writes the deal, and could "
                "residents write it with the council? How is the investment fund decided?"
            ),
            "city": "Wigan",
            "province": "Greater Manchester",
            "country": "United Kingdom",
            "start_year": 2013,
            "links": [
                {
                    "url": "https://www.wigan.gov.uk/Council/The-Deal",
                    "label": "The Deal (Wigan Council)",
                }
            ],
            "issues": ["governance", "social"],
            "organiser_types": ["local"],
            "four_cos": ["co_delivery"],
        },
        [(COALITION, "A Greater Manchester council's deal with its residents.")],
    ),
    (
        "demo-hammersmith-fulham-2023",
        {
            "kind": "policy",
            "title": "Hammersmith & Fulham: co-production in the H&F Plan 2023-26",
            "description": (
                "The London Borough of Hammersmith & Fulham's council plan for 2023-26, which "
                "commits the whole council to co-production with residents, staff and "
                "partners."
            ),
            "body": (
                "The H&F Plan 2023-26 makes co-production with residents, staff and partners "
                "a commitment of the whole council rather than of one department. The "
                "borough also has a Disabled People's Commission.\n\n"
                "Hammersmith & Fulham reads the ladder of co-production (Think Local Act "
                "Personal and the National Co-production Advisory Group) in three groups: "
                '"doing to" people on the two lowest steps, "doing for" them on the middle '
                'three, and "doing with" them on co-design and co-production.\n\n'
                "**Why it matters for coproduction.** The three groups give a council and its "
                "partners plain words to say where a piece of work stands and where it "
                "should get to.\n\n"
                "**Questions to ask before borrowing it.** Where do our current processes sit "
                "on the ladder? What would move one of them up a step?"
            ),
            "city": "London",
            "province": "Hammersmith and Fulham",
            "country": "United Kingdom",
            "start_year": 2023,
            "end_year": 2026,
            "links": [{"url": "https://www.lbhf.gov.uk", "label": "Hammersmith & Fulham Council"}],
            "issues": ["governance"],
            "organiser_types": ["local"],
            "iap2_level": "collaborate",
            "four_cos": ["co_design", "co_delivery"],
            "ladder_step": "co_production",
        },
        [],
    ),
    (
        "demo-gm-model-2019",
        {
            "kind": "policy",
            "title": "The Greater Manchester Model",
            "description": (
                "A white paper of July 2019 on Greater Manchester's public services working "
                "as one, with a fresh relationship with citizens: doing with, not to."
            ),
            "body": (
                "In July 2019 Greater Manchester published *The Greater Manchester Model*, a "
                "white paper on public services working together as one. "
                'It calls for a "fresh relationship with citizens", summed up as "doing '
                'with, not to".\n\n'
                "It followed the Greater Manchester Combined Authority's agreement in June "
                "2018 to build co-productive capacity with the Jam and Justice action "
                "research project.\n\n"
                "**Why it matters for coproduction.** It states the city-region's intent in "
                "the language of the ladder of co-production; a coalition can hold public "
                "bodies to it.\n\n"
                '**Questions to ask before borrowing it.** What does "doing with" look like '
                "in one service? Who checks whether it happens?"
            ),
            "city": "Greater Manchester",
            "country": "United Kingdom",
            "start_year": 2019,
            "links": [
                {
                    "url": "https://www.greatermanchester-ca.gov.uk",
                    "label": "Greater Manchester Combined Authority",
                }
            ],
            "issues": ["governance", "health"],
            "organiser_types": ["regional"],
        },
        [(COALITION, "Greater Manchester's own commitment: doing with, not to.")],
    ),
    (
        "demo-gm-vcse-accord-2017",
        {
            "kind": "policy",
            "title": "Greater Manchester VCSE Accord",
            "description": (
                "An agreement, first made in 2017 and renewed since, on how Greater "
                "Manchester's public bodies and the voluntary, community and social "
                "enterprise (VCSE) sector work together."
            ),
            "body": (
                "In 2017 Greater Manchester's public bodies and its voluntary, community and "
                "social enterprise sector agreed an accord on how they collaborate. It was "
                "later renewed as an agreement between three partners, with the health and "
                "social care partnership joining.\n\n"
                "**Why it matters for coproduction.** Much coproduction happens through "
                "voluntary and community groups; an accord names them as partners of the "
                "public bodies rather than only as providers.\n\n"
                "**Questions to ask before borrowing it.** Who speaks for the sector at the "
                "table? What does each partner commit to, and how is that reviewed?"
            ),
            "city": "Greater Manchester",
            "country": "United Kingdom",
            "start_year": 2017,
            "links": [
                {
                    "url": "https://www.vcseleadershipgm.org.uk/gm-vcse-accord",
                    "label": "GM VCSE Accord (VCSE Leadership Group)",
                }
            ],
            "issues": ["governance", "social"],
            "organiser_types": ["regional", "nongovernmental"],
        },
        [(COALITION, "How Greater Manchester's public bodies and its VCSE sector work together.")],
    ),
    (
        "demo-world-cafe",
        {
            "kind": "method",
            "title": "World Café",
            "description": (
                "Conversations at small tables in rounds: a host stays at each table while "
                "the others move on, so ideas travel across the room, and what the tables "
                "wrote is gathered at the end."
            ),
            "body": (
                "A World Café seats people at small tables, often four or five to a table, "
                "for a few rounds of conversation, usually three of 20 to 30 minutes. Each "
                "round works on a question that matters to the people in the room.\n\n"
                "One person, the **host**, stays at each table: they welcome the newcomers, "
                "recap what the last round said and sum up. Everyone else **travels** to a "
                "new table each round, carrying ideas with them and meeting new people.\n\n"
                "The tables write and draw on paper tablecloths or cards. At the end the "
                "room listens for patterns and the notes are gathered (the **harvest**): "
                "photos of the tablecloths, typed notes, a short account of the themes.\n\n"
                "**Why it matters for coproduction.** The café mixes people who rarely meet, "
                "and every table's voice ends up in the record.\n\n"
                "**In Coproduce.** The café plans who sits where so that people meet as many "
                "others as possible and tables mix sectors, collects each table's notes "
                "and groups them into themes for the report."
            ),
            "links": [
                {
                    "url": "https://theworldcafe.com",
                    "label": "The World Café Community Foundation",
                }
            ],
            "issues": ["governance"],
            "purposes": ["develop", "make"],
            "method_types": ["deliberative"],
            "iap2_level": "involve",
            "mode": "both",
        },
        [(TOOLS_QUESTION, "The method the café itself used, and a tool the tables discussed.")],
    ),
    (
        "demo-opinion-map",
        {
            "kind": "method",
            "title": "Opinion map (a Pol.is-style conversation)",
            "description": (
                "People vote agree, disagree or pass on short statements and may add their "
                "own; the map shows groups of people who vote alike, what nearly everyone "
                "shares and where the groups differ."
            ),
            "body": (
                "An opinion map starts from one question and a few short statements. Each "
                "participant votes on the statements one at a time (agree, disagree or pass) "
                "and may write new statements for others to vote on.\n\n"
                "From the votes the map places people who voted alike close together and "
                "finds groups among them. It then shows the statements that best describe "
                "each group, those that nearly everyone agrees on across the groups, and "
                "those that divide them. The approach was made popular by Pol.is, an "
                "open-source tool.\n\n"
                "**Why it matters for coproduction.** It makes different understandings "
                "visible without a loud voice taking over, and shows common ground that a "
                "room's debate may hide. It works for a few dozen people or many thousands.\n\n"
                "**In Coproduce.** A coalition opens a conversation for a workshop; people "
                "join with a code on their phones, and the map appears in the workshop's "
                "report."
            ),
            "links": [
                {"url": "https://pol.is", "label": "Pol.is"},
                {"url": "https://github.com/compdemocracy/polis", "label": "Pol.is source code"},
            ],
            "issues": ["governance"],
            "purposes": ["make"],
            "method_types": ["survey"],
            "decision_methods": ["opinion"],
            "iap2_level": "consult",
            "mode": "online",
        },
        [(WORKSHOP, "How the workshop saw the different understandings in the room.")],
    ),
]

# The founding workshop as a case of the demo coalition's own (its members wrote it up).
FOUNDING_CASE = (
    "demo-iopd-2018-gm-workshop",
    {
        "kind": "case",
        "title": "How to coproduce the city: the Greater Manchester workshop at IOPD 2018",
        "description": (
            "An open workshop at the 18th IOPD conference in Barcelona, November 2018, run by "
            "a Greater Manchester coalition of local government actors and action "
            "researchers: four short talks, then a World Café with 18 participants on "
            "coproduction strategies and methods."
        ),
        "body": (
            "A coalition of local government actors and action researchers from Greater "
            "Manchester, with Bertie Russell and Beth Perry of the Jam and Justice project "
            "organising, invited other cities to an open workshop at the 18th conference of "
            "the International Observatory on Participatory Democracy (IOPD) in Barcelona, "
            "in November 2018.\n\n"
            "Four five-minute talks set the scene: Greater Manchester's context, a case "
            "study of coproduction, work towards a call to action, and the coalition for "
            "change. The 18 participants then met in a World Café on two questions: whether "
            "other cities have developed coproduction strategies or action plans, and what "
            "methods and approaches can support co-producing the city.\n\n"
            "**What the organisers concluded.** Interest in coproduction seemed low at the "
            "conference; people in the room understood coproduction quite differently, some "
            "in a more transformative way; and the workshop was valued as a space that "
            "brought civil servants, researchers and civil society together.\n\n"
            "**What followed.** In 2019 the Coalitions for Change events in Greater "
            "Manchester (#CoProduceGM) used action learning sets to work towards a shared "
            "call to action for a co-productive city-region."
        ),
        "city": "Barcelona",
        "province": "Catalonia",
        "country": "Spain",
        "start_year": 2018,
        "end_year": 2018,
        "links": [
            {
                "url": "https://jamandjustice-rjc.org/forging-coalitions-change",
                "label": "Jam and Justice: forging coalitions for change",
            }
        ],
        "issues": ["governance"],
        "purposes": ["develop"],
        "approaches": ["research"],
        "method_types": ["deliberative"],
        "organiser_types": ["academic", "local"],
        "iap2_level": "involve",
        "participants": 18,
        "mode": "facetoface",
    },
    [(COALITION, "What the coalition learned at its first workshop, written up for others.")],
)


def demo_library(workshop) -> None:
    """The starter library and its links to the demo workshop (a demo step)."""
    coalition = workshop.coalition
    questions = {q.label: q for q in AgendaQuestion.objects.filter(agenda_item__workshop=workshop)}
    for key, data, places in ENTRIES:
        entry = _entry(key, data, coalition=None)
        _link(entry, places, workshop, questions)
    key, data, places = FOUNDING_CASE
    _link(_entry(key, data, coalition=coalition), places, workshop, questions)


def _entry(key: str, data: dict, *, coalition) -> Entry:
    found = Entry.objects.filter(source=SOURCE, source_id=key).first()
    if found is not None:
        return found  # kept as it is: someone may have edited it since
    entry = services.create_entry(
        {**data, "language": "en", "licence": LICENCE},
        coalition=coalition,
        note=notes.STARTER,  # stored in English, shown in the reader's language
    )
    entry.source, entry.source_id, entry.is_sample = SOURCE, key, True
    entry.save(update_fields=["source", "source_id", "is_sample"])
    return services.moderate(entry, True)


def _link(entry: Entry, places, workshop, questions) -> None:
    for place, note in places:
        where = {"coalition": workshop.coalition}
        if place == WORKSHOP:
            where["workshop"] = workshop
        elif place != COALITION:
            question = questions.get(place)
            if question is None:
                continue  # the café's questions were changed: nothing to link to
            where.update(workshop=workshop, question=question)
        services.link_entry(entry, note=note, **where)
