"""The stored map, made readable: statement texts, group names, percentages, the picture."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.charts import Series, horizontal_bars, scatter, stacked_bar
from coproduce.people.sectors import SECTOR_ORDER, sector_key, sector_label

from .models import Conversation

GROUP_LETTERS = "ABCDEFGHIJ"


def _reasons() -> dict[str, str]:
    # The maths says why it cannot group yet in plain English; these are its sentences, so
    # that the map page can say them in the reader's language.
    return {
        "no votes yet": _("no votes yet"),
        "no votes left once rejected, meta and excluded participants' votes are set aside": _(
            "no votes are left once rejected and meta statements and excluded participants "
            "are set aside"
        ),
        "only one participant has voted: groups need at least two": _(
            "only one participant has voted: groups need at least two"
        ),
        "only one statement has votes: a map needs at least two": _(
            "only one statement has votes: a map needs at least two"
        ),
        "every participant voted the same way so far: nothing separates them yet": _(
            "everyone has voted the same way so far: nothing separates them yet"
        ),
        "all participants are at the same place on the map: nothing separates them yet": _(
            "everyone is at the same place on the map: nothing separates them yet"
        ),
    }


def reason_text(reason: str | None) -> str | None:
    return _reasons().get(reason, reason) if reason else reason


def group_name(group_id: int) -> str:
    return _("Group %(letter)s") % {"letter": GROUP_LETTERS[group_id % len(GROUP_LETTERS)]}


def _sector_label(code: str) -> str:
    return sector_label(code)


def map_view(conversation: Conversation, voter=None, *, room: bool = False) -> dict | None:
    """The stored map for a page; with `voter`, where they are on it ("you are here")."""
    data = conversation.map_data
    if not data:
        return None
    # Only the statements the map names (a few per group, the common ground, the divisive):
    # one query of bounded size, however many statements the conversation has.
    texts = conversation.statements.only("pk", "text").in_bulk(_named_statements(data))

    def statement(sid):
        return texts.get(sid)

    groups = [
        {
            "id": g["id"],
            "name": group_name(g["id"]),
            "size": g["size"],
            "representative": [
                {
                    "statement": statement(r["statement"]),
                    "agree": r["direction"] == "agree",
                    "in_group": r["percent_in_group"],
                    "rest": r["percent_rest"],
                }
                for r in g["representative"]
            ],
        }
        for g in data["groups"]
    ]
    names = {g["id"]: g["name"] for g in groups}
    here = you_are_here(data, voter, names)
    view = {
        "k": data["k"],
        "reason": reason_text(data.get("reason")),
        "groups": groups,
        "common_agree": _common_ground(data, "agree", statement),
        "common_disagree": _common_ground(data, "disagree", statement),
        "divisive": [
            {
                "statement": statement(d["statement"]),
                "net": [
                    (names.get(int(g), g), round(100 * v)) for g, v in d["net_agreement"].items()
                ],
            }
            for d in data.get("divisive", [])
        ],
        "chart": _map_chart(data, groups, here, room=room),
        "here": here,
        "voted": _voted_on(data, statement, groups),
        "points": [(p["x"], p["y"], p["group"]) for p in data["participants"]],
        "sectors": _sector_view(data.get("sector_lens"), groups, statement),
        "participation": data.get("participation", {}),
    }
    return view


def _named_statements(data: dict) -> set[int]:
    """The statements the map's groups, common ground, divisive list and sector lens name."""
    named = {r["statement"] for g in data["groups"] for r in g["representative"]}
    for items in (data.get("common_ground") or {}).values():
        named.update(c["statement"] for c in items)
    named.update(d["statement"] for d in data.get("divisive", []))
    named.update(d["statement"] for d in (data.get("sector_lens") or {}).get("splitting", []))
    return named


def _common_ground(data: dict, direction: str, statement) -> list[dict]:
    # Maps stored before common ground existed have none; the next recompute adds it.
    items = (data.get("common_ground") or {}).get(direction, [])
    return [
        {"statement": statement(c["statement"]), "figure": _shared_figure(c, direction, data["k"])}
        for c in items
    ]


def _shared_figure(item: dict, direction: str, k: int) -> str:
    numbers = {"p": round(item["percent"]), "low": round(item["lowest_group_percent"])}
    # With one group or none, "each group" is everyone: the lowest share would say nothing.
    if k < 2:
        text = _("%(p)s%% agree") if direction == "agree" else _("%(p)s%% disagree")
    elif direction == "agree":
        text = _("%(p)s%% agree; at least %(low)s%% in each group")
    else:
        text = _("%(p)s%% disagree; at least %(low)s%% in each group")
    return text % numbers


def _map_chart(data: dict, groups: list[dict], here: dict | None, *, room: bool) -> str:
    people = data["participants"]
    grouped = sum(1 for p in people if p["group"] is not None)
    sizes = ", ".join(f"{g['name']}: {g['size']}" for g in groups)
    description = _(
        "Each dot is a participant, placed by how they voted: people who vote alike sit close "
        "together. %(n)s participants, %(grouped)s of them in opinion groups (%(sizes)s)."
    ) % {"n": len(people), "grouped": grouped, "sizes": sizes or _("no groups yet")}
    if here:
        description += " " + here["sentence"]
    return scatter(
        title=_("Opinion map"),
        description=description,
        points=[(p["x"], p["y"], p["group"]) for p in people],
        series_names=[g["name"] for g in groups],
        chart_id="opinion-map-room" if room else "opinion-map",
        size=640 if room else 360,
        marked=(here["x"], here["y"]) if here else None,
        marked_label=_("You are here"),
        label_series=True,
    )


def you_are_here(data: dict, voter, names: dict[int, str]) -> dict | None:
    """The voter's own dot and group, or None when they are not on this map (yet)."""
    if voter is None:
        return None
    mine = next((p for p in data["participants"] if p["id"] == voter.pk), None)
    if mine is None:
        return None
    group = mine["group"]
    if group is None:
        sentence = _(
            "You are here: the ringed dot. You are not in a group yet: vote on a few more "
            "statements."
        )
    else:
        sentence = _("You are here: the ringed dot, in %(group)s.") % {"group": names[group]}
    return {
        "x": mine["x"],
        "y": mine["y"],
        "group": None if group is None else names[group],
        "sentence": sentence,  # for the picture's description
        "hint": _("On the map, your dot is the one with the black ring."),
    }


def vote_shares(agree: int, disagree: int, passed: int) -> dict:
    """Shares of those who voted on a statement, as whole per cents, and the bar to draw."""
    n = agree + disagree + passed
    shares = [
        (kind, count / n if n else 0.0)
        for kind, count in (("agree", agree), ("disagree", disagree), ("pass", passed))
    ]
    return {"n": n, **whole_percents(shares), "bar": stacked_bar(shares)}


def whole_percents(shares: list[tuple[str, float]]) -> dict[str, int]:
    """Shares as whole per cents that add up to 100 (when any were given): each is rounded
    down, and the points left go to the largest remainders, so "34 %, 33 %, 33 %" rather
    than three 33s beside a voter count that says everyone voted."""
    exact = {kind: 100 * share for kind, share in shares}
    percent = {kind: int(value) for kind, value in exact.items()}
    left = round(sum(exact.values())) - sum(percent.values())
    by_remainder = sorted(exact, key=lambda kind: percent[kind] - exact[kind])
    for kind in by_remainder[: max(left, 0)]:
        percent[kind] += 1
    return percent


def statement_votes(item: dict, groups: list[dict]) -> dict:
    """How everyone, and each group, voted on one statement of the stored map."""
    by_group = item.get("by_group") or []
    return {
        "overall": vote_shares(item["agree"], item["disagree"], item["pass"]),
        "groups": [
            {"name": g["name"], **vote_shares(*by_group[g["id"]])}
            for g in groups
            if g["id"] < len(by_group)
        ],
    }


def _voted_on(data: dict, statement, groups: list[dict]) -> list[dict]:
    """Bars for the statements the map names, in the order the page names them."""
    stored = {s["id"]: s for s in data.get("statements", [])}
    rows = []
    for sid in _named_in_order(data):
        if sid in stored and statement(sid) is not None:
            rows.append({"statement": statement(sid), **statement_votes(stored[sid], groups)})
    return rows


def _named_in_order(data: dict) -> list[int]:
    order = [r["statement"] for g in data["groups"] for r in g["representative"]]
    for items in (data.get("common_ground") or {}).values():
        order += [c["statement"] for c in items]
    order += [d["statement"] for d in data.get("divisive", [])]
    return list(dict.fromkeys(order))


def group_names(data: dict) -> list[dict]:
    return [{"id": g["id"], "name": group_name(g["id"])} for g in data.get("groups", [])]


def _sector_view(lens: dict | None, groups: list[dict], statement) -> dict | None:
    if not lens:
        return None
    rows = []
    # The platform's sector order, "not given" last, as on every other chart.
    spreads = sorted(lens["sectors"], key=lambda s: SECTOR_ORDER.index(sector_key(s["sector"])))
    for spread in spreads:
        by_group = spread["by_group"]
        rows.append(
            {
                "label": _sector_label(spread["sector"]),
                "size": spread["size"],
                "counts": [by_group.get(str(g["id"]), 0) for g in groups],
                "none": by_group.get("none", 0),
            }
        )
    chart = horizontal_bars(
        title=_("Sectors across opinion groups"),
        description="; ".join(
            f"{row['label']}: "
            + ", ".join(f"{g['name']} {n}" for g, n in zip(groups, row["counts"], strict=True))
            for row in rows
        ),
        categories=[row["label"] for row in rows],
        series=[
            Series(g["name"], [row["counts"][i] for row in rows]) for i, g in enumerate(groups)
        ],
        chart_id="sector-chart",
    )
    splitting = [
        {
            "statement": statement(d["statement"]),
            "net": [(_sector_label(s), round(100 * v)) for s, v in d["net_agreement"].items()],
        }
        for d in lens["splitting"]
    ]
    return {"rows": rows, "chart": chart, "splitting": splitting}


FRESH = timedelta(minutes=1)


def map_is_fresh(conversation: Conversation) -> bool:
    """Updated under a minute ago: pages say "just now", never "0 minutes ago"."""
    computed = conversation.map_computed_at
    return computed is not None and timezone.now() - computed < FRESH
