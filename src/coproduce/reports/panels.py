"""The report's part of the workshop page, and its published versions on the coalition page."""

from coproduce.coalitions.permissions import Action, can

from .models import ReportVersion


def readable_versions(request, workshop):
    versions = ReportVersion.objects.filter(report__workshop=workshop).exclude(published_at=None)
    if not can(request.user, Action.MEMBERS_VIEW, workshop):
        versions = versions.filter(visibility=ReportVersion.Visibility.PUBLIC)
    return versions.order_by("-number")


def workshop_panel(request, workshop, can_run: bool) -> dict | None:
    can_plan = can(request.user, Action.PLAN_WORKSHOP, workshop)
    latest = readable_versions(request, workshop).first()
    if latest is None and not (can_plan or can_run):
        return None
    return {"latest": latest, "can_plan": can_plan, "can_run": can_run, "workshop": workshop}


def coalition_panel(request, coalition, role) -> dict:
    versions = ReportVersion.objects.filter(report__workshop__coalition=coalition).exclude(
        published_at=None
    )
    if not can(request.user, Action.MEMBERS_VIEW, coalition):
        versions = versions.filter(visibility=ReportVersion.Visibility.PUBLIC)
    latest: dict[int, ReportVersion] = {}
    for version in versions.select_related("report__workshop").order_by("-number")[:200]:
        latest.setdefault(version.report.workshop_id, version)
    return {
        "coalition": coalition,
        "reports": sorted(latest.values(), key=lambda v: v.report.workshop.starts_at, reverse=True),
    }
