"""The workshop report as a document: the founding report's structure, filled from the data.

Order, as in the Greater Manchester report: the header table (title, organisers, speakers and
facilitators, participants, summary and methodology, desired outcomes, organisation of the
session), the World Café questions with the themes found in the table notes, the opinion
map's findings, participation figures, and the conclusions. Each section may carry the
organisers' own Markdown text; a section without data says what is missing.
"""

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core.glossary import figure

from .document import (
    BarChartSpec,
    BulletList,
    Document,
    Figure,
    KeyValueTable,
    Labels,
    Markdown,
    Photo,
    Quote,
    ScatterSpec,
    Section,
    Table,
)
from .examples import section as examples_section
from .gather import ReportData
from .sections import workshop_sections
from .theme_method import describe_stored
from .themes import NONE

SECTION_KEYS = ["summary", "cafe", "opinion", "participation", "conclusions"]


def section_titles() -> dict[str, str]:
    return {
        "summary": _("The workshop"),
        "cafe": _("World Café"),
        "opinion": _("Where people agree and differ"),
        "participation": _("Who took part"),
        "conclusions": _("Conclusions"),
    }


def build(data: ReportData, texts: dict[str, str], themes: dict) -> Document:
    workshop = data.workshop
    titles = section_titles()
    sections = [
        _summary(data, titles["summary"], texts.get("summary", "")),
        _cafe(data, titles["cafe"], texts.get("cafe", ""), themes),
        _opinion(data, titles["opinion"], texts.get("opinion", "")),
        _participation(data, titles["participation"], texts.get("participation", "")),
        _conclusions(data, titles["conclusions"], texts.get("conclusions")),
    ]
    examples = examples_section(data.examples, _md_escape)
    if examples is not None:  # after the café that discussed them; left out when none
        sections.insert(2, examples)
    # What later capabilities add (the charter, an assessment), before the conclusions.
    sections[-1:-1] = workshop_sections(workshop)
    starts = workshop.starts_at.astimezone(workshop.tz)
    # The date in the active language's own form ("26 de noviembre de 2018"), never strftime's
    # English month names.
    subtitle = " · ".join(
        part
        for part in (
            workshop.coalition.name,
            date_format(starts, "DATE_FORMAT"),
            workshop.venue,
        )
        if part
    )
    return Document(
        title=workshop.title,
        subtitle=subtitle,
        language=translation.get_language() or "en",
        sections=tuple(sections),
        footer=_("Made with Coproduce from what happened at the workshop."),
        labels=labels(),
    )


def labels() -> Labels:
    """The words the renderers write themselves, in the active language."""
    return Labels(
        page_number=_("Page {page} of {pages}"),
        field=_("Field"),
        value=_("Value"),
        category=_("Category"),
        group=_("Group"),
        no_group=_("No group"),
        points=_("People"),
        contents=_("Contents"),
        photo=_("Photo"),
    )


def _label(key: str) -> str:
    return str(figure(key).label)


def _means(key: str) -> str:
    return str(figure(key).means)


def _agenda_line(title: str, minutes: int, speaker: str) -> str:
    if speaker:
        return _("%(title)s (%(n)s min, %(speaker)s)") % {
            "title": title,
            "n": minutes,
            "speaker": speaker,
        }
    return _("%(title)s (%(n)s min)") % {"title": title, "n": minutes}


def _text_blocks(text: str) -> tuple:
    return (Markdown(text),) if text and text.strip() else ()


def _summary(data: ReportData, heading: str, text: str) -> Section:
    w = data.workshop
    method = "\n\n".join(part for part in (w.summary, w.methodology) if part)
    agenda = "\n".join(_agenda_line(title, mins, who) for title, _k, mins, who in data.agenda)
    participants = data.attended or data.registered
    rows = tuple(
        (key, value)
        for key, value in (
            (_("Title of the workshop"), w.title),
            (_("Organisers"), ", ".join(data.organisers)),
            (_("Speakers and facilitators"), ", ".join(data.speakers_and_facilitators)),
            (_("Participants"), str(participants) if participants else ""),
            (_("Summary and methodology"), method),
            (_("Desired outcomes"), "\n".join(data.desired_outcomes)),
            (_("Organisation of the session"), agenda),
        )
        if value.strip()  # a row with nothing to say is left out, not printed blank
    )
    blocks = (KeyValueTable(rows=rows),) + _text_blocks(text)
    if data.questions:
        blocks += (
            BulletList(
                items=tuple(f"{label}: {q}" if label else q for _id, label, q in data.questions)
            ),
        )
    return Section(key="summary", heading=heading, blocks=blocks)


def _cafe(data: ReportData, heading: str, text: str, themes: dict) -> Section:
    if data.cafe is None:
        return Section(
            key="cafe",
            heading=heading,
            blocks=_text_blocks(text),
            note=_("This workshop had no World Café."),
        )
    if not data.cafe.notes:
        return Section(
            key="cafe",
            heading=heading,
            blocks=_text_blocks(text) + _photos(data),
            note=_("No table notes were written in this World Café."),
        )
    notes = {n.id: n for n in data.cafe.notes}
    by_question = themes.get("questions", {})
    blocks = list(_text_blocks(text))
    for question_id, label, question in data.questions + [
        (None, "", _("Notes without a question"))
    ]:
        key = str(question_id) if question_id is not None else "none"
        found = by_question.get(key)
        if not found:
            continue
        blocks.append(Markdown(f"### {label + ': ' if label else ''}{_md_escape(question)}"))
        # A question whose notes fell into no clear groups has one column, named by the
        # question itself: its notes go straight under the question, not under its name again.
        unsorted = len(found) == 1 and found[0].get("confidence") == NONE
        for ordinal, theme in enumerate(found, start=1):
            supporting = [notes[n] for n in theme["note_ids"] if n in notes]
            if not unsorted:
                blocks.append(Markdown(_theme_heading(ordinal, theme["label"], len(supporting))))
            blocks.extend(
                Quote(
                    note.text,
                    _("%(table)s, round %(round)s") % {"table": note.table, "round": note.round},
                )
                for note in supporting
            )
    if by_question:
        how = _("How the themes were found:")
        account = [describe_stored(themes)]
        if themes.get("edited"):
            account.append(
                _(
                    "The facilitators then reviewed the themes: renaming, merging, splitting "
                    "and moving notes."
                )
            )
        blocks.append(Markdown(f"*{_md_escape(how)}* {_md_escape(' '.join(account))}"))
    else:
        blocks.append(Markdown(_("The table notes have not been grouped into themes yet.")))
    return Section(key="cafe", heading=heading, blocks=tuple(blocks) + _photos(data))


def _theme_heading(ordinal: int, label: str, n_notes: int) -> str:
    count = ngettext("(%(n)s note)", "(%(n)s notes)", n_notes) % {"n": n_notes}
    return f"#### {ordinal}. {_md_escape(label)} {count}"


def _photos(data: ReportData) -> tuple:
    pictures = data.cafe.pictures if data.cafe else []
    if not pictures:
        return ()
    blocks: tuple = (Markdown("### " + _md_escape(_("Photos of the tablecloths"))),)
    for picture in pictures:
        where = _("%(table)s, round %(round)s") % {"table": picture.table, "round": picture.round}
        alt = _("Photo of the tablecloth at %(where)s") % {"where": where}
        blocks += (
            Photo(
                image=picture.image,
                media_type="image/jpeg",
                alt=f"{alt}. {picture.text}" if picture.text else alt,
                caption=where,
            ),
        )
    return blocks


def _opinion(data: ReportData, heading: str, text: str) -> Section:
    conversation = data.conversation
    if conversation is None:
        return Section(
            key="opinion",
            heading=heading,
            blocks=_text_blocks(text),
            note=_("This workshop had no opinion map."),
        )
    view = conversation.map
    blocks = list(_text_blocks(text)) + [Markdown(f"**{_md_escape(conversation.question)}**")]
    if not view or view["k"] == 0:
        reason = (view or {}).get("reason") or _("not enough votes yet")
        return Section(
            key="opinion",
            heading=heading,
            blocks=tuple(blocks),
            note=_("No opinion groups: %(reason)s.") % {"reason": reason},
        )
    blocks.append(
        Figure(
            chart=ScatterSpec(
                title=_("Opinion map"),
                description=_("Participants placed by how they voted; colours are opinion groups."),
                points=tuple(view["points"]),
                series_names=tuple(g["name"] for g in view["groups"]),
            ),
            caption=_("Opinion map: people who voted alike sit close together."),
            alt=", ".join(f"{g['name']}: {g['size']}" for g in view["groups"]),
        )
    )
    for group in view["groups"]:
        blocks.append(Markdown(f"### {group['name']} ({group['size']})"))
        blocks.append(
            Table(
                header=(_("Statement"), _("View"), _label("in_group"), _label("everyone_else")),
                rows=tuple(
                    (
                        r["statement"].text if r["statement"] else "",
                        _("agree") if r["agree"] else _("disagree"),
                        f"{r['in_group']:.0f}%",
                        f"{r['rest']:.0f}%",
                    )
                    for r in group["representative"]
                ),
                numeric_columns=(2, 3),
                caption=_("%(in_group)s: %(means)s")
                % {"in_group": _label("in_group"), "means": _means("in_group")},
            )
        )
    shared = [
        f"{c['statement'].text} ({c['figure']})"
        for c in view["common_agree"] + view["common_disagree"]
        if c["statement"]
    ]
    if shared:
        blocks.append(Markdown("### " + _("What nearly everyone shares")))
        blocks.append(BulletList(items=tuple(shared)))
    if view["divisive"]:
        blocks.append(Markdown("### " + _("Where the groups differ most")))
        blocks.append(Markdown(_md_escape(f"{_label('net_agreement')}: {_means('net_agreement')}")))
        blocks.append(
            BulletList(
                items=tuple(
                    f"{d['statement'].text} ({', '.join(f'{n} {v:+d}' for n, v in d['net'])})"
                    for d in view["divisive"]
                    if d["statement"]
                )
            )
        )
    sectors = view.get("sectors")
    if sectors:
        blocks.append(Markdown("### " + _("Sectors across the opinion groups")))
        blocks.append(
            Table(
                header=(_("Sector"), *(g["name"] for g in view["groups"]), _("No group")),
                rows=tuple(
                    (row["label"], *map(str, row["counts"]), str(row["none"]))
                    for row in sectors["rows"]
                ),
                numeric_columns=tuple(range(1, len(view["groups"]) + 2)),
            )
        )
        if sectors["splitting"]:
            blocks.append(Markdown(_("Statements that split the sectors most:")))
            blocks.append(
                BulletList(
                    items=tuple(
                        f"{d['statement'].text} ({', '.join(f'{n} {v:+d}' for n, v in d['net'])})"
                        for d in sectors["splitting"]
                        if d["statement"]
                    )
                )
            )
    return Section(key="opinion", heading=heading, blocks=tuple(blocks))


def _participation(data: ReportData, heading: str, text: str) -> Section:
    blocks = list(_text_blocks(text))
    if data.sectors:
        blocks.append(_sector_chart(data))
    funnel = data.funnel
    steps = [
        (_label(key), funnel.get(step, 0))
        for key, step in (
            ("registered", "registered"),
            ("attended", "attended"),
            ("registered_voted", "voted"),
            ("registered_wrote", "wrote"),
        )
    ]
    blocks.append(
        Figure(
            chart=BarChartSpec(
                title=_("From registering to taking part"),
                description="; ".join(f"{name}: {n}" for name, n in steps),
                categories=tuple(name for name, _n in steps),
                series=((_("People"), tuple(n for _name, n in steps)),),
            ),
            caption=_(
                "How far the people who registered went in taking part: attended, voted on "
                "the opinion map, wrote a note or a statement."
            ),
            alt="; ".join(f"{name}: {n}" for name, n in steps),
        )
    )
    blocks.append(
        Table(
            header=(_("Figure"), _("Number"), _("What it means")),
            rows=tuple((_label(key), value, _means(key)) for key, value in figures(data)),
            caption=_("Participation in figures"),
            numeric_columns=(1,),
        )
    )
    return Section(key="participation", heading=heading, blocks=tuple(blocks))


def _sector_chart(data: ReportData) -> Figure:
    registered, attended = _label("registered"), _label("attended")
    return Figure(
        chart=BarChartSpec(
            title=_("Participants by sector"),
            description="; ".join(
                f"{c.label}: {registered} {c.registered}, {attended} {c.attended}"
                for c in data.sectors
            ),
            categories=tuple(c.label for c in data.sectors),
            series=(
                (registered, tuple(c.registered for c in data.sectors)),
                (attended, tuple(c.attended for c in data.sectors)),
            ),
        ),
        caption=_("Participants by sector: registered and attended."),
        alt="; ".join(
            f"{c.label}: {registered} {c.registered}, {attended} {c.attended}" for c in data.sectors
        ),
    )


def figures(data: ReportData) -> list[tuple[str, str]]:
    """The report's figures as (glossary key, number as shown): the same keys, and numbers,
    as the workshop and map pages show."""
    rows = [("registered", str(data.registered)), ("attended", str(data.attended))]
    if data.conversation:
        rows += [
            ("registered_voted", str(data.funnel.get("voted", 0))),
            ("registered_wrote", str(data.funnel.get("wrote", 0))),
        ]
    if data.cafe:
        rows += [("table_notes", str(len(data.cafe.notes))), ("photos", str(data.cafe.photos))]
        met = data.cafe.new_people_met
        if met:
            # the middle value: one number that says how mixed the tables were, where a chart
            # of how many met how many shows a single bar when everyone met the same number
            rows.append(("people_met", str(met[len(met) // 2])))
    if data.conversation:
        f = data.conversation.figures
        rows += [
            ("voters", str(f["voters"])),
            ("votes", str(f["votes"])),
            ("statements", str(f["statements"])),
        ]
    return rows


def _conclusions(data: ReportData, heading: str, text: str | None) -> Section:
    # The organisers' text replaces the workshop's conclusions once they have edited it.
    body = text if text is not None else "\n\n".join(_md_escape(c) for c in data.conclusions)
    if not body.strip():
        return Section(
            key="conclusions",
            heading=heading,
            blocks=(),
            note=_("No conclusions have been written yet."),
        )
    return Section(key="conclusions", heading=heading, blocks=(Markdown(body),))


def default_texts(data: ReportData) -> dict[str, str]:
    """What the editor starts with for each section."""
    return {"conclusions": "\n\n".join(_md_escape(c) for c in data.conclusions)}


def _md_escape(text: str) -> str:
    """Keep people's text literal inside generated Markdown (no accidental emphasis or HTML)."""
    out = []
    for char in text:
        if char in "\\`*_{}[]<>#|":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)
