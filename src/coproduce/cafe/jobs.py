"""The café's long work, run by the background worker: seating plans and printed sheets."""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.core.qr import qr_svg
from coproduce.jobs.tasks import attach

from . import selectors, services
from .models import Cafe, Seat


def plan_job(job, progress) -> dict:
    cafe = Cafe.objects.get(pk=job.params["cafe"])
    plan = services.make_plan(cafe, seed=job.params.get("seed", 0), progress=progress)
    return plan.metrics_json()


def printables_job(job, progress) -> dict:
    """Render rosters, cards or badges to PDF with WeasyPrint."""
    from weasyprint import HTML  # heavy; only the worker needs it

    cafe = Cafe.objects.select_related("agenda_item__workshop__coalition").get(
        pk=job.params["cafe"]
    )
    kind = job.params["kind"]
    progress(0.1, _("Gathering the plan"))
    context = {"cafe": cafe, "workshop": cafe.workshop, "kind": kind, "title": job.title}
    if kind == "roster":
        context["grid"] = selectors.plan_grid(cafe)
    else:
        context["people"] = _people_with_routes(cafe, job.params["base_url"])
    progress(0.4, _("Laying out the pages"))
    html = render_to_string(f"cafe/print/{kind}.html", context)
    document = HTML(string=html, base_url=job.params["base_url"]).render()
    progress(0.8, _("Writing the PDF"))
    attach(job, f"{cafe.workshop.slug}-{kind}.pdf", document.write_pdf(), "application/pdf")
    return {"pages": len(document.pages)}


def _people_with_routes(cafe: Cafe, base_url: str) -> list[dict]:
    people = []
    in_order = Seat.objects.select_related("table").order_by("round_number")
    participants = (
        cafe.participants.filter(present=True)
        .select_related("registration")
        .prefetch_related(Prefetch("seats", queryset=in_order))
    )
    for participant in participants:
        seats = list(participant.seats.all())
        link = base_url.rstrip("/") + reverse("cafe:personal", args=[participant.key])
        people.append(
            {
                "participant": participant,
                "seats": seats,
                "route": selectors.route_label(seats),
                "link": link,
                "qr": qr_svg(link, scale=3),
            }
        )
    return people
