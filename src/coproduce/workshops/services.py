"""Changes to workshops: creating them, registration, check-in, join codes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import codes
from coproduce.core.slugs import unique_slug
from coproduce.people.models import Guest
from coproduce.people.services import new_guest, remember_language
from coproduce.webhooks import events as webhook_events

from . import emails
from .models import AgendaItem, AgendaQuestion, Registration, Workshop
from .signals import registration_cancelled


class RegistrationError(Exception):
    """Why someone cannot register; the message is shown to them as it is."""


class JoinCodeError(Exception):
    """A join code that leads nowhere; the message says why."""


def workshop_for_code(code: str) -> Workshop:
    code = codes.normalise_code(code)
    workshop = Workshop.objects.select_related("coalition").filter(join_code=code).first()
    if workshop is None:
        raise JoinCodeError(
            _("No workshop or conversation has the code %(code)s. Check it and try again.")
            % {"code": code}
        )
    if workshop.has_ended:
        raise JoinCodeError(
            _("The code %(code)s has expired: “%(title)s” has ended.")
            % {"code": code, "title": workshop.title}
        )
    return workshop


def create_workshop(*, coalition, **fields) -> Workshop:
    workshop = Workshop(coalition=coalition, **fields)
    workshop.slug = unique_slug(Workshop, workshop.title)
    workshop.full_clean()
    workshop.save()
    return workshop


@transaction.atomic
def update_workshop(workshop: Workshop, **fields) -> Workshop:
    moved = "starts_at" in fields and fields["starts_at"] != workshop.starts_at
    for name, value in fields.items():
        setattr(workshop, name, value)
    workshop.full_clean()
    workshop.save()
    if moved:  # a reminder sent for the old day said the wrong day: remind again
        workshop.registrations.update(reminder_sent_at=None)
    return workshop


@transaction.atomic
def save_programme(formset) -> None:
    """Save one part of the programme as edited on its page (a validated formset); an agenda
    item's questions are replaced by those typed with it."""
    formset.save()
    for form in formset.forms:
        questions = form.cleaned_data.get("questions")
        if questions is None or form.instance.pk is None or form in formset.deleted_forms:
            continue
        set_questions(form.instance, questions)


def set_questions(item: AgendaItem, questions: list[tuple[str, str]]) -> None:
    """The questions an agenda item works on, as (label, text) pairs, in order."""
    item.questions.all().delete()
    AgendaQuestion.objects.bulk_create(
        AgendaQuestion(agenda_item=item, label=label, text=text, order=i)
        for i, (label, text) in enumerate(questions)
    )


def regenerate_join_code(workshop: Workshop) -> str:
    """Give the workshop a new code; the old one stops working at once."""
    return codes.replace_code(workshop)


def active_registrations(workshop: Workshop):
    return workshop.registrations.exclude(status=Registration.Status.CANCELLED)


def _claim_place(workshop: Workshop, lookup: dict, defaults: dict) -> Registration:
    """Register, or re-activate a cancelled registration, if the workshop has room.

    The workshop row is locked while counting, so two people cannot take the last place.
    """
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        existing = Registration.objects.filter(workshop=locked, **lookup).first()
        if existing and existing.status != Registration.Status.CANCELLED:
            raise RegistrationError(_("You are already registered for this workshop."))
        taken = active_registrations(locked).count()
        if locked.capacity is not None and taken >= locked.capacity:
            raise RegistrationError(
                _("This workshop is full: all %(n)s places are taken.") % {"n": locked.capacity}
            )
        if existing:
            for name, value in defaults.items():
                setattr(existing, name, value)
            existing.status = Registration.Status.REGISTERED
            existing.save()
            registration = existing
        else:
            registration = Registration.objects.create(workshop=locked, **lookup, **defaults)
        webhook_events.registration(registration)  # sent once the registration is committed
        return registration


def _ensure_open(workshop: Workshop) -> None:
    if workshop.has_ended:
        raise RegistrationError(_("This workshop has ended; registration is closed."))


def register_person(
    workshop: Workshop, person, *, sector: str, wants_report: bool = False, language: str = ""
) -> Registration:
    """Register someone with an account; their confirmation email goes out once it is saved."""
    _ensure_open(workshop)
    registration = _claim_place(
        workshop,
        {"person": person},
        {
            "display_name": person.full_name,
            "sector": sector,
            "city": str(person.city) if person.city_id else "",
            "wants_report": wants_report,
            "language": language,
            "emails_stopped": False,
        },
    )
    remember_language(person, language, unless_set=True)  # for the emails they get later
    emails.send_confirmation(registration)
    return registration


def register_guest(
    workshop: Workshop, guest: Guest, *, city: str = "", by_desk: bool = False
) -> Registration:
    """Register a guest; the desk may still add people after the end, to record who came."""
    if not by_desk:
        _ensure_open(workshop)
    return _claim_place(
        workshop,
        {"guest": guest},
        {"display_name": guest.display_name, "sector": guest.sector, "city": city},
    )


@transaction.atomic
@transaction.atomic
def join_as_guest(workshop: Workshop, *, display_name: str, sector: str) -> Registration:
    """Someone with the join code and no account takes a place: a guest and their registration,
    both or neither."""
    guest = new_guest(display_name=display_name, sector=sector)
    return register_guest(workshop, guest)


@transaction.atomic
def walk_in(workshop: Workshop, *, display_name: str, sector: str) -> Registration:
    """Someone the desk registers on arrival: registered and checked in at once."""
    guest = new_guest(display_name=display_name, sector=sector)
    registration = register_guest(workshop, guest, by_desk=True)
    return set_checked_in(registration, True)


def cancel_registration(registration: Registration) -> None:
    registration.status = Registration.Status.CANCELLED
    registration.checked_in_at = None
    registration.save(update_fields=["status", "checked_in_at"])
    registration_cancelled.send(sender=Registration, registration=registration)


def set_checked_in(registration: Registration, present: bool) -> Registration:
    """Mark someone as arrived (or undo a mistaken check-in)."""
    if registration.status == Registration.Status.CANCELLED:
        raise RegistrationError(_("This registration was cancelled."))
    registration.checked_in_at = timezone.now() if present else None
    registration.save(update_fields=["checked_in_at"])
    return registration
