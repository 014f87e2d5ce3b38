"""Who may read a report version (registered with the permission module).

A draft is for those who plan the workshop. A published version is read by everyone who may see
the workshop (registrants of a private coalition's workshop included) or by the coalition's
members only, as the organisers chose when publishing.
"""

from coproduce.coalitions.permissions import Action, Visitor, can, rule

from .models import ReportVersion


@rule(ReportVersion, Action.VIEW)
def may_read(visitor: Visitor, version: ReportVersion) -> bool:
    workshop = version.report.workshop
    if version.is_draft:
        return can(visitor, Action.PLAN_WORKSHOP, workshop)
    if version.visibility == ReportVersion.Visibility.PUBLIC:
        return can(visitor, Action.VIEW, workshop)
    return can(visitor, Action.MEMBERS_VIEW, workshop)
