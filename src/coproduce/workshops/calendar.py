"""iCalendar (RFC 5545) for workshops, so people can put them in their own calendars."""

from icalendar import Calendar, Event

from .models import Workshop


def workshop_ics(workshop: Workshop, url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Coproduce//Workshops//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"workshop-{workshop.pk}@coproduce")
    event.add("summary", workshop.title)
    # In the workshop's own zone (with its VTIMEZONE), so calendars show the time of the room.
    event.add("dtstart", workshop.starts_at.astimezone(workshop.tz))
    event.add("dtend", workshop.ends_at.astimezone(workshop.tz))
    event.add("dtstamp", workshop.updated_at)
    event.add("url", url)
    if workshop.venue or workshop.online_url:
        event.add("location", workshop.venue or workshop.online_url)
    if workshop.summary:
        event.add("description", f"{workshop.summary}\n\n{url}")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
