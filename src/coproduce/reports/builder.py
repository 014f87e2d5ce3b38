"""The workshop report as a document: the founding report's structure, filled from the data.

Order, as in the Greater Manchester report: the header table (title, organisers, speakers and
facilitators, participants, summary and methodology, desired outcomes, organisation of the
session), the World Café questions with the themes found in the table notes, the opinion
map's findings, participation figures, and the conclusions. Each section may carry the
organisers' own Markdown text; a section without data says what is missing.
"""

from django.utils.translation import gettext as _

from .document import (
    BarChartSpec,
    BulletList,
    Document,
    Figure,
    KeyValueTable,
    Markdown,
    Quote,
    ScatterSpec,
    Section,
    Table,
)
from .gather import ReportData

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
    starts = workshop.starts_at.astimezone(workshop.tz)
    subtitle = " · ".join(
        part
        for part in (workshop.coalition.name, starts.strftime("%d %B %Y"), workshop.venue)
        if part
    )
    return Document(
        title=workshop.title,
        subtitle=subtitle,
        sections=tuple(sections),
        footer=_("Made with Coproduce from what happened at the workshop."),
    )


def _text_blocks(text: str) -> tuple:
    return (Markdown(text),) if text and text.strip() else ()


def _summary(data: ReportData, heading: str, text: str) -> Section:
    w = data.workshop
    method = "\n\n".join(part for part in (w.summary, w.methodology) if part)
    agenda = "\n".join(
        f"{title} ({minutes} min{', ' + speaker if speaker else ''})"
        for title, _kind, minutes, speaker in data.agenda
    )
    rows = (
        (_("Title of the workshop"), w.title),
        (_("Organisers"), ", ".join(data.organisers)),
        (_("Speakers and facilitators"), ", ".join(data.speakers_and_facilitators)),
        (_("Participants"), str(data.attended or data.registered)),
        (_("Summary and methodology"), method),
        (_("Desired outcomes"), "\n".join(data.desired_outcomes)),
        (_("Organisation of the session"), agenda),
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
            blocks=_text_blocks(text),
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
        for ordinal, theme in enumerate(found, start=1):
            supporting = [notes[n] for n in theme["note_ids"] if n in notes]
            blocks.append(
                Markdown(
                    f"#### {ordinal}. {_md_escape(theme['label'])} "
                    + _("(%(n)s notes)") % {"n": len(supporting)}
                )
            )
            blocks.extend(
                Quote(
                    note.text,
                    _("%(table)s, round %(round)s") % {"table": note.table, "round": note.round},
                )
                for note in supporting
            )
    method = themes.get("method")
    how = _("How the themes were found:")
    if method:
        edited = (
            _(
                " The facilitators then reviewed the themes: renaming, merging, splitting "
                "and moving notes."
            )
            if themes.get("edited")
            else ""
        )
        blocks.append(Markdown(f"*{_md_escape(how)}* {_md_escape(method)}{edited}"))
    elif not by_question:
        blocks.append(Markdown(_("The table notes have not been grouped into themes yet.")))
    return Section(key="cafe", heading=heading, blocks=tuple(blocks))


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
                header=(_("Statement"), _("View"), _("In the group"), _("Everyone else")),
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
        blocks.append(
            Figure(
                chart=BarChartSpec(
                    title=_("Participants by sector"),
                    description="; ".join(
                        f"{c.label}: {c.registered} / {c.attended}" for c in data.sectors
                    ),
                    categories=tuple(c.label for c in data.sectors),
                    series=(
                        (_("Registered"), tuple(c.registered for c in data.sectors)),
                        (_("Attended"), tuple(c.attended for c in data.sectors)),
                    ),
                ),
                caption=_("Participants by sector: registered and attended."),
                alt="; ".join(
                    f"{c.label}: {c.registered} registered, {c.attended} attended"
                    for c in data.sectors
                ),
            )
        )
    funnel = data.funnel
    steps = [
        (_("Registered"), funnel.get("registered", 0)),
        (_("Attended"), funnel.get("attended", 0)),
        (_("Voted"), funnel.get("voted", 0)),
        (_("Wrote"), funnel.get("wrote", 0)),
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
                "How far people went in taking part: registered, attended, voted in the "
                "opinion map, wrote a note or statement."
            ),
            alt="; ".join(f"{name}: {n}" for name, n in steps),
        )
    )
    if data.cafe and data.cafe.new_people_met:
        met = data.cafe.new_people_met
        counts: dict[int, int] = {}
        for n in met:
            counts[n] = counts.get(n, 0) + 1
        blocks.append(
            Figure(
                chart=BarChartSpec(
                    title=_("New people met at the tables"),
                    description=_("How many participants met each number of different people"),
                    categories=tuple(_("%(n)s people") % {"n": n} for n in sorted(counts)),
                    series=((_("Participants"), tuple(counts[n] for n in sorted(counts))),),
                ),
                caption=_("Different people each participant met across the rounds (median %(m)s).")
                % {"m": met[len(met) // 2]},
                alt="; ".join(
                    _("%(p)s met %(n)s") % {"p": counts[n], "n": n} for n in sorted(counts)
                ),
            )
        )
    figures = [
        (_("Registered"), str(data.registered)),
        (_("Attended"), str(data.attended)),
    ]
    if data.cafe:
        figures += [
            (_("Table notes written"), str(len(data.cafe.notes))),
            (_("Photos of tablecloths"), str(data.cafe.photos)),
        ]
    if data.conversation:
        f = data.conversation.figures
        figures += [
            (_("Votes cast"), str(f["votes"])),
            (_("Voters"), str(f["voters"])),
            (_("Statements"), str(f["statements"])),
        ]
    blocks.append(KeyValueTable(rows=tuple(figures), caption=_("Participation in figures")))
    return Section(key="participation", heading=heading, blocks=tuple(blocks))


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
