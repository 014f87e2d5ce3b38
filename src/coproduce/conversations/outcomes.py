"""What became of the statements people found common ground on, for the opinion map's page.

What became of them is in the action plan, a floor above conversations: the plan registers a
provider (`register_statement_outcomes`, from its AppConfig.ready) and this app never imports
it. With no provider the page shows the common ground as before.

A provider takes the conversation, the ids of the statements and the person looking, and
returns {statement id: became} for those it has something to say about: `became` has
`actions` (each with `title`, `url`, `status` and `progress`), `hidden` (how many actions the
person may not see), `reason` (why an organiser took it no further) and `answer_url` (for an
organiser, where to answer a statement nothing has answered yet).
"""

from collections.abc import Callable, Iterable

from .models import Conversation

StatementOutcomes = Callable[[Conversation, list[int], object], dict]
_providers: list[StatementOutcomes] = []


def register_statement_outcomes(provider: StatementOutcomes) -> None:
    if provider not in _providers:
        _providers.append(provider)


def outcomes_for_statements(conversation: Conversation, statement_ids: Iterable[int], user) -> dict:
    ids = sorted(set(statement_ids))
    found: dict = {}
    if not ids:
        return found
    for provider in _providers:
        found.update(provider(conversation, ids, user))
    return found


def add_to_common_ground(view: dict | None, conversation: Conversation, user) -> dict | None:
    """The map's view (`presenting.map_view`) with what became of each common-ground
    statement beside it, as `became` (None when there is nothing to say)."""
    if not view or not _providers:
        return view
    items = [*view.get("common_agree", []), *view.get("common_disagree", [])]
    ids = [item["statement"].pk for item in items if item.get("statement") is not None]
    found = outcomes_for_statements(conversation, ids, user)
    for item in items:
        statement = item.get("statement")
        item["became"] = found.get(statement.pk) if statement is not None else None
    return view
