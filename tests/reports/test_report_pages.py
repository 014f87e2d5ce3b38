"""The workshop report: themes, drafting, versions, files, and the founding report."""

import io
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from factories import MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.jobs.models import Job
from coproduce.reports import services
from coproduce.reports.models import ReportVersion
from coproduce.reports.rendering import render
from coproduce.workshops import demo
from coproduce.workshops.models import Conclusion, Workshop

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[1] / "data" / "iopd-2018-gm-workshop-report.txt"


@pytest.fixture(scope="module")
def founding_report() -> str:
    text = " ".join(SEED.read_text(encoding="utf-8").split())
    for wrong, right in demo.SPELLING_CORRECTIONS:
        text = text.replace(wrong, right)
    return text


@pytest.fixture
def demo_workshop(settings) -> Workshop:
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    return Workshop.objects.get(slug=demo.WORKSHOP_SLUG)


def one_line(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_demo_report_reproduces_the_founding_report_field_by_field(
    demo_workshop, founding_report, tmp_path
):
    out = tmp_path / "report.md"
    call_command("report", demo.WORKSHOP_SLUG, "--format", "md", "-o", str(out))
    report = one_line(out.read_text())
    # Each field and item of the founding report, with the same content.
    assert demo.TITLE in report and demo.TITLE in founding_report
    assert "Bertie Russell, Beth Perry" in report
    speakers = ", ".join(demo.SPEAKERS_AND_FACILITATORS)
    assert speakers in report and f"Speakers / Facilitators | {speakers} |" in founding_report
    assert (
        re.search(r"\| Participants \| 18 \|", report) and "Participants | 18 |" in founding_report
    )
    assert one_line(demo.SUMMARY) in report and one_line(demo.SUMMARY) in founding_report
    outcomes = demo.DESIRED_OUTCOMES
    assert len(outcomes) == 6 and all(o in report for o in outcomes)
    assert " ".join(outcomes) in founding_report
    presentations = demo.PRESENTATIONS
    assert len(presentations) == 4 and all(f"{p} (5 min" in report for p in presentations)
    for label, question in demo.CAFE_QUESTIONS:
        assert f"{label}: {question}" in report and f"{label}: {question}" in founding_report
    assert len(demo.CONCLUSIONS) == 3
    for conclusion in demo.CONCLUSIONS:
        assert conclusion in report and conclusion in founding_report


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md", "html"])
def test_the_demo_report_in_every_format(demo_workshop, fmt, tmp_path):
    out = tmp_path / f"report.{fmt}"
    call_command("report", str(demo_workshop.pk), "--format", fmt, "-o", str(out))
    content = out.read_bytes()
    if fmt == "pdf":
        assert content.startswith(b"%PDF-")
        text = one_line(pdf_text(content, tmp_path))
        assert "Greater Manchester" in text and "Conclusions" in text
    elif fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        paragraphs = [p.text for p in document.paragraphs]
        assert demo.TITLE in paragraphs[0]
        assert "Conclusions" in paragraphs
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        assert "Bertie Russell, Beth Perry" in cells
        assert document.inline_shapes, "the charts are pictures"
    else:
        text = content.decode()
        assert demo.TITLE in text
        assert ("<svg" in text) == (fmt == "html")


def test_report_list_prints_slug_then_title(demo_workshop, capsys):
    call_command("report", "--list")
    lines = capsys.readouterr().out.strip().splitlines()
    assert f"{demo.WORKSHOP_SLUG}\t{demo.TITLE}" in lines


def test_report_language_is_chosen_not_inherited(demo_workshop, tmp_path):
    from django.utils import translation

    out = tmp_path / "report.md"
    with translation.override("es"):  # as a Spanish request before it would leave it
        call_command("report", demo.WORKSHOP_SLUG, "--format", "md", "-o", str(out))
    english = out.read_text()
    call_command("report", demo.WORKSHOP_SLUG, "--format", "md", "--language", "es", "-o", str(out))
    spanish = out.read_text()
    assert "Conclusions" in english and "Conclusiones" not in english
    assert "Conclusiones" in spanish


def test_unknown_workshop_is_named(demo_workshop):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no-such-workshop"):
        call_command("report", "no-such-workshop")


def test_a_bare_workshop_says_what_is_missing(tmp_path):
    workshop = WorkshopFactory(title="Bare")
    text = render(workshop, None, "md").decode()
    assert "This workshop had no World Café." in text
    assert "This workshop had no opinion map." in text
    assert "No conclusions have been written yet." in text
    assert render(workshop, None, "pdf").startswith(b"%PDF-")


def test_demo_report_has_themes_and_the_opinion_map(demo_workshop):
    report = services.report_for(demo_workshop)
    services.find_themes(report)
    text = render(demo_workshop, None, "md").decode()
    assert "How the themes were found" in text
    assert "Table 1, round 1" in text
    assert "Group A" in text and "What nearly everyone shares" in text
    assert "| Different people met at the tables | 10 |" in text


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_organiser_text_is_sanitised(client, demo_workshop):
    client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    url = reverse("reports:edit", args=[demo_workshop.slug])
    hostile = (
        '<script>alert(1)</script>\n\n<iframe src="x"></iframe>\n\n<img src=x onerror="alert(2)">'
        "\n\n**bold** [a](javascript:alert(3)) [b](https://example.org)"
    )
    client.post(url, {"summary": hostile, "conclusions": "We agreed."})
    page = client.get(url).content.decode()
    preview = page[page.index('<div class="report-article"') :]
    parser = _Tags()
    parser.feed(preview)
    names = [tag for tag, _attrs in parser.tags]
    assert "script" not in names and "iframe" not in names and "img" not in names
    attributes = [
        (name, value or "") for _tag, attrs in parser.tags for name, value in attrs.items()
    ]
    assert not [a for a in attributes if a[0].startswith("on")]
    assert not [a for a in attributes if "javascript:" in a[1]]
    links = [attrs.get("href") for tag, attrs in parser.tags if tag == "a"]
    assert "https://example.org" in links
    assert "<strong>bold</strong>" in preview


def test_versions_publish_and_old_versions_stay_as_they_were(client, demo_workshop):
    client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    edit = reverse("reports:edit", args=[demo_workshop.slug])
    client.post(edit, {"conclusions": "First thoughts."})
    client.post(reverse("reports:publish", args=[demo_workshop.slug]), {"visibility": "public"})
    client.post(edit, {"conclusions": "Second thoughts."})
    client.post(reverse("reports:publish", args=[demo_workshop.slug]), {"visibility": "members"})
    first = client.get(reverse("reports:version", args=[demo_workshop.slug, 1])).content.decode()
    second = client.get(reverse("reports:version", args=[demo_workshop.slug, 2])).content.decode()
    assert "First thoughts." in first and "Second thoughts." not in first
    assert "Second thoughts." in second
    assert [
        v.number for v in ReportVersion.objects.exclude(published_at=None).order_by("number")
    ] == [1, 2]
    coalition_page = client.get(demo_workshop.coalition.get_absolute_url()).content.decode()
    assert reverse("reports:version", args=[demo_workshop.slug, 2]) in coalition_page
    # Someone outside the coalition reads the public version, not the members-only one.
    client.force_login(PersonFactory())
    assert client.get(reverse("reports:version", args=[demo_workshop.slug, 1])).status_code == 200
    # The members-only version does not exist for them: not listed, and 404 by its address.
    assert client.get(reverse("reports:version", args=[demo_workshop.slug, 2])).status_code == 404
    outsider_page = client.get(demo_workshop.coalition.get_absolute_url()).content.decode()
    assert reverse("reports:version", args=[demo_workshop.slug, 1]) in outsider_page
    assert reverse("reports:version", args=[demo_workshop.slug, 2]) not in outsider_page


def test_files_are_made_in_the_background_and_kept_until_the_workshop_changes(
    client, demo_workshop
):
    client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    url = reverse("reports:download", args=[demo_workshop.slug, "docx"])
    first = client.post(url)
    second = client.post(url)
    assert first["Location"] == second["Location"]
    job = Job.objects.get(kind="reports.render")
    assert job.status == "done" and job.file.read(2) == b"PK"
    Conclusion.objects.create(workshop=demo_workshop, text="A fourth conclusion.", order=9)
    client.post(url)
    assert Job.objects.filter(kind="reports.render").count() == 2


def test_report_pages_need_the_right_role(client):
    membership = MembershipFactory(role=Role.MEMBER, coalition__visibility=Visibility.PRIVATE)
    workshop = WorkshopFactory(coalition=membership.coalition)
    client.force_login(PersonFactory())
    assert client.get(reverse("reports:edit", args=[workshop.slug])).status_code == 404
    client.force_login(membership.person)
    assert client.get(reverse("reports:edit", args=[workshop.slug])).status_code == 403
    assert client.post(reverse("reports:download", args=[workshop.slug, "pdf"])).status_code == 403
    assert (
        client.post(
            reverse("reports:publish", args=[workshop.slug]), {"visibility": "public"}
        ).status_code
        == 403
    )
    assert not Job.objects.exists() and not ReportVersion.objects.exists()


def test_text_in_catalan_greek_and_chinese_reaches_the_pdf(tmp_path):
    workshop = WorkshopFactory(title="Coproducció a la ciutat")
    Conclusion.objects.create(
        workshop=workshop,
        text="Συμπαραγωγή της πόλης. 共同生产城市。 Participació ciutadana.",
        order=0,
    )
    content = render(workshop, None, "pdf")
    text = pdf_text(content, tmp_path)
    assert "Συμπαραγωγή" in text and "Coproducció" in text and "共同生产城市" in text
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    # Every character needs a font that has it: a CJK font must be embedded for the Chinese.
    assert re.search(r"(?i)(wqy|wenquanyi|noto\w*cjk|droid\w*fallback)", fonts), fonts


def test_participation_funnel_counts_people_not_actions():
    from factories import GuestFactory, RegistrationFactory

    from coproduce.conversations import services as conversations
    from coproduce.reports.gather import gather

    workshop = WorkshopFactory()
    guests = [GuestFactory() for _ in range(3)]
    for guest in guests:
        RegistrationFactory(workshop=workshop, guest=guest)
    conversation = conversations.open_conversation(
        coalition=workshop.coalition, workshop=workshop, question="Q", seed_statements=["A", "B"]
    )
    for guest in guests[:2]:
        voter = conversations.voter_for(conversation, guest=guest)
        for statement in conversation.statements.all():
            conversations.cast_vote(voter, statement.pk, 1)  # two votes each: still one person
    conversations.add_statement(conversations.voter_for(conversation, guest=guests[0]), "C please")
    assert gather(workshop).funnel == {"registered": 3, "attended": 0, "voted": 2, "wrote": 1}
