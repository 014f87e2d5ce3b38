"""The call to action: publishing, signing with a confirmed email (Django's test outbox, tasks
run at once), withdrawal, re-confirming on a new version, duplicates and bad input."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.charters import publishing
from coproduce.charters.models import Charter, Signature, Version
from coproduce.coalitions.models import Role, Visibility

pytestmark = pytest.mark.django_db

PRINCIPLES = [
    {"principle": 1, "title": "Share power", "meaning": "Decide together.", "asks": ""},
    {"principle": 2, "title": "Pay for time", "meaning": "Residents are paid.", "asks": "Pay."},
]


def make_version(charter: Charter, number: int, principles=PRINCIPLES, **kwargs) -> Version:
    return Version.objects.create(
        charter=charter,
        number=number,
        title=charter.title,
        preamble="We hold ourselves to these principles.",
        principles=principles,
        **kwargs,
    )


@pytest.fixture
def coalition():
    return CoalitionFactory(slug="gm", visibility=Visibility.PUBLIC)


@pytest.fixture
def organiser(coalition):
    person = PersonFactory(email="organiser@example.org")
    MembershipFactory(coalition=coalition, person=person, role=Role.ORGANISER)
    return person


@pytest.fixture
def charter(coalition):
    return Charter.objects.create(coalition=coalition, title="Our coproduction charter")


@pytest.fixture
def version(charter):
    return publishing.publish(make_version(charter, 1))


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def url(name: str, version: Version, *extra) -> str:
    charter = version.charter
    return reverse(
        f"charters:{name}", args=[charter.coalition.slug, charter.pk, version.number, *extra]
    )


ORGANISATION = {
    "signing_as": "organisation",
    "organisation_name": "Salford Food Hub",
    "name": "Imran Siddiqui",
    "role": "Coordinator",
    "sector": "civil_society",
    "email": "imran@example.org",
    "commitments": "We will pay residents for their time by 2027.\n\nWe will report back.",
    "public": "on",
}


def sign(client, version, on_commit, **changes):
    return on_commit(lambda: client.post(url("sign", version), {**ORGANISATION, **changes}))


def link_in(message) -> str:
    return re.search(r"https?://\S+/charters/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_publishing_sets_a_date_and_a_short_code_that_redirects(client, version):
    assert version.published_at is not None
    assert re.fullmatch(r"[A-Z][A-Z0-9]{6}", version.short_code)
    response = client.get(reverse("charters:short_link", args=[version.short_code.lower()]))
    assert response.status_code == 302
    assert response["Location"] == url("call", version)


def test_only_the_latest_version_is_published_and_only_once(charter, version):
    with pytest.raises(publishing.SigningError):
        publishing.publish(version)
    make_version(charter, 2)
    older = make_version(charter, 3)
    Version.objects.filter(pk=older.pk).update(number=30)
    with pytest.raises(publishing.SigningError, match="latest version"):
        publishing.publish(Version.objects.get(number=2))


def test_signing_counts_only_after_the_email_is_confirmed(client, version, on_commit):
    response = sign(client, version, on_commit)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.confirmed_at is None
    assert [c.text for c in signature.commitments.all()] == [
        "We will pay residents for their time by 2027.",
        "We will report back.",
    ]
    (message,) = mail.outbox
    assert message.to == ["imran@example.org"]
    link = link_in(message)
    token = path_of(link).split("/")[-2]
    assert signature.__class__.objects.get().token_hash == publishing.hash_token(token)
    stored = Signature.objects.values_list()[0]
    assert token not in " ".join(str(value) for value in stored)  # only its hash is kept
    page = client.get(url("call", version))
    assert "Salford Food Hub" not in page.content.decode()  # not confirmed yet
    assert page.context["total"] == 0

    assert client.get(path_of(link)).status_code == 200  # GET changes nothing
    assert Signature.objects.get().confirmed_at is None
    client.post(path_of(link), {"action": "confirm"})
    assert Signature.objects.get().confirmed_at is not None
    page = client.get(url("call", version))
    assert page.context["total"] == 1
    text = page.content.decode()
    assert "Salford Food Hub" in text and "We will pay residents" in text


def test_withdrawing_from_the_link_keeps_the_signature_shown_as_withdrawn(
    client, version, on_commit
):
    sign(client, version, on_commit)
    link = path_of(link_in(mail.outbox[0]))
    client.post(link, {"action": "confirm"})
    client.post(link, {"action": "withdraw"})
    signature = Signature.objects.get()
    assert signature.withdrawn_at is not None
    page = client.get(url("call", version))
    assert page.context["total"] == 0
    assert "withdrawn" in page.content.decode()
    response = client.post(link, {"action": "confirm"}, follow=True)
    assert "can no longer be confirmed" in response.content.decode()


def test_a_signed_in_signatory_withdraws_from_the_page(client, version, on_commit):
    person = PersonFactory(email="me@example.org")
    client.force_login(person)
    sign(client, version, on_commit, email="me@example.org")
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    client.post(url("withdraw_mine", version))
    assert Signature.objects.get().withdrawn_at is not None


def test_one_signature_per_organisation_per_version(client, version, on_commit):
    sign(client, version, on_commit)
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    response = sign(client, version, on_commit, organisation_name="  salford FOOD hub ")
    assert response.status_code == 200
    assert "This organisation has already signed this version." in response.content.decode()
    assert Signature.objects.count() == 1
    assert response.context["form"]["name"].value() == "Imran Siddiqui"  # nothing lost


def test_an_individual_signs_once_per_address(client, version, on_commit):
    person = {"signing_as": "individual", "organisation_name": "", "role": ""}
    sign(client, version, on_commit, **person)
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    response = sign(client, version, on_commit, **person, email="IMRAN@example.org")
    assert "already signed this version for themselves" in response.content.decode()
    assert Signature.objects.count() == 1
    assert Signature.objects.get().organisation_name == ""


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"commitments": "x" * 10_000}, "commitments", "10000 characters"),
        ({"commitments": "\n".join(f"Promise {n}" for n in range(11))}, "commitments", "10"),
        ({"organisation_name": ""}, "organisation_name", "Name the organisation"),
        ({"role": ""}, "role", "role in the organisation"),
        ({"email": "not an address"}, "email", "valid email"),
        ({"sector": ""}, "sector", "Choose a sector"),
    ],
)
def test_bad_input_names_the_field_and_keeps_the_rest(
    client, version, on_commit, changes, field, words
):
    response = sign(client, version, on_commit, **changes)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert words in " ".join(form.errors[field])
    assert form["name"].value() == "Imran Siddiqui"
    assert not Signature.objects.exists()
    assert mail.outbox == []


def test_html_and_script_are_kept_as_text_and_escaped(client, version, on_commit):
    script = "<script>alert(1)</script>"
    sign(client, version, on_commit, organisation_name=f"Hub {script}", commitments=script)
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    text = client.get(url("call", version)).content.decode()
    assert script not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_an_unpublished_or_replaced_version_cannot_be_signed(
    client, charter, version, organiser, on_commit
):
    draft = make_version(charter, 2)
    client.force_login(organiser)
    response = sign(client, draft, on_commit)
    assert "not published" in response.content.decode()
    publishing.publish(draft)
    response = sign(client, version, on_commit)
    assert "has been replaced by version 2" in response.content.decode()
    assert not Signature.objects.exists()


def test_signing_is_rate_limited(client, version, on_commit, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "charter_sign": "2/h"}
    for number in range(2):
        sign(client, version, on_commit, organisation_name=f"Org {number}")
    response = sign(client, version, on_commit, organisation_name="Org 3")
    assert response.status_code == 429
    assert Signature.objects.count() == 2


def test_a_new_version_asks_signatories_to_reconfirm_and_carries_them_over(
    client, charter, version, on_commit
):
    sign(client, version, on_commit)
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    sign(client, version, on_commit, organisation_name="Pending Org", email="p@example.org")
    mail.outbox.clear()
    changed = [{**PRINCIPLES[0], "meaning": "Decide together, from the start."}, PRINCIPLES[1]]
    newer = make_version(charter, 2, principles=changed)
    on_commit(lambda: publishing.publish(newer))

    (message,) = mail.outbox  # only the confirmed signatory is asked
    assert message.to == ["imran@example.org"]
    assert "{+from the start.+}" in message.body or "{+, from the start+}" in message.body
    link = path_of(re.search(r"https?://\S+/charters/reconfirm/\S+/", message.body).group(0))
    page = client.get(link)
    assert page.status_code == 200 and "from the start" in page.content.decode()
    assert not newer.signatures.exists()
    client.post(link, {"action": "reconfirm"})
    carried = newer.signatures.get()
    earlier = version.signatures.get(organisation_name="Salford Food Hub")
    assert carried.carried_from == earlier
    assert carried.confirmed_at is not None
    assert [c.text for c in carried.commitments.all()] == [
        c.text for c in earlier.commitments.all()
    ]
    client.post(link, {"action": "reconfirm"})  # twice: still one
    assert newer.signatures.count() == 1
    client.post(link, {"action": "withdraw"})
    assert newer.signatures.get().withdrawn_at is not None
    assert earlier.withdrawn_at is None


def test_a_changed_reconfirm_link_is_refused(client):
    response = client.get(reverse("charters:reconfirm", args=["not-a-real-link"]))
    assert response.status_code == 404
    response = client.get(reverse("charters:signature", args=["not-a-real-link"]))
    assert response.status_code == 404


def test_private_signatures_count_but_are_not_named(client, version, on_commit):
    sign(client, version, on_commit, public="")
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    page = client.get(url("call", version))
    assert page.context["total"] == 1
    assert "Salford Food Hub" not in page.content.decode()


def test_the_page_shows_the_sector_mix_and_a_qr_code(client, version, on_commit):
    sign(client, version, on_commit)
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    text = client.get(url("call", version)).content.decode()
    chart = re.search(r'<figure><svg .*?<title id="signatures-chart-title">.*?</svg>', text, re.S)
    assert chart, "the sector chart is drawn"
    assert "Civil society and voluntary sector: 1" in chart.group(0)
    assert "Civil society and voluntary sector" in text
    assert "QR code that opens" in text
    assert version.short_code in text


def test_organisers_download_every_signature_as_csv(client, version, organiser, on_commit):
    sign(client, version, on_commit, public="")
    client.post(path_of(link_in(mail.outbox[0])), {"action": "confirm"})
    client.force_login(organiser)
    response = client.get(url("signatures_csv", version))
    body = b"".join(response.streaming_content).decode()
    assert "Salford Food Hub" in body and "imran@example.org" in body


def test_the_demo_publishes_the_charter_with_a_dozen_sample_signatories(charter):
    from types import SimpleNamespace

    from coproduce.charters.signing_demo import demo_call_to_action

    make_version(charter, 1)
    workshop = SimpleNamespace(coalition=charter.coalition)
    demo_call_to_action(workshop)
    demo_call_to_action(workshop)  # twice: nothing added
    version = Version.objects.get()
    assert version.is_published
    signatures = version.signatures.all()
    assert signatures.count() == 12 and all(s.is_sample for s in signatures)
    assert len({s.sector for s in signatures}) >= 4
    assert signatures.filter(public=False).count() == 1
    assert signatures.filter(withdrawn_at__isnull=False).count() == 1
    assert signatures.filter(commitments__isnull=False).distinct().count() >= 3
    assert publishing.counted(signatures).count() == 11


# --- review fixes -------------------------------------------------------------------------------


def confirm_link(client, message):
    return client.post(path_of(link_in(message)), {"action": "confirm"}, follow=True)


def test_an_unconfirmed_signature_does_not_keep_the_organisation_out(client, version, on_commit):
    sign(client, version, on_commit, email="squatter@example.org")
    response = sign(client, version, on_commit)  # the real signatory, another address
    assert response.status_code == 302
    assert Signature.objects.count() == 2
    squatter, real = mail.outbox
    assert "confirmed and counts" in confirm_link(client, real).content.decode()
    page = confirm_link(client, squatter).content.decode()
    assert "someone confirmed first" in page
    assert Signature.objects.get(email="squatter@example.org").confirmed_at is None
    assert client.get(url("call", version)).context["total"] == 1


def test_signing_again_before_confirming_resends_the_link(client, version, on_commit):
    sign(client, version, on_commit)
    response = sign(client, version, on_commit, organisation_name="salford food  HUB")
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["imran@example.org"]
    confirm_link(client, mail.outbox[1])  # the newest link works
    signature.refresh_from_db()
    assert signature.confirmed_at is not None


def test_a_double_click_on_reconfirm_returns_the_carried_signature(
    charter, version, on_commit, monkeypatch
):
    earlier = on_commit(lambda: publishing.start_signature(version, _data()))
    publishing.confirm(earlier)
    newer = on_commit(lambda: publishing.publish(make_version(charter, 2)))
    carried = publishing.reconfirm(earlier, newer)
    # The second press checked before the first one wrote: it meets the constraint instead.
    real = publishing.carried_signature
    calls = iter([None])
    monkeypatch.setattr(
        publishing, "carried_signature", lambda e, v: next(calls, None) or real(e, v)
    )
    monkeypatch.setattr(publishing, "_duplicate", lambda *args: None)
    assert publishing.reconfirm(earlier, newer) == carried
    publishing.withdraw(carried)
    other = Signature.objects.create(
        version=newer,
        organisation_name="Salford Food Hub",
        organisation_key="salford food hub",
        name="Someone",
        sector="civil_society",
        email="o@example.org",
        email_key="o@example.org",
        confirmed_at=carried.confirmed_at,
    )
    calls = iter([None])
    with pytest.raises(publishing.SigningError):
        publishing.reconfirm(earlier, newer)
    assert counted_on(newer) == [other.pk]


def counted_on(version):
    return list(publishing.counted(version.signatures.all()).values_list("pk", flat=True))


def _data(**changes) -> publishing.SignatureData:
    values = {
        "name": "Imran Siddiqui",
        "sector": "civil_society",
        "email": "imran@example.org",
        "organisation_name": "Salford Food Hub",
        "role": "Coordinator",
    }
    return publishing.SignatureData(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": "\u0958" * 150}, "name", "200 characters"),  # NFC makes it 300
        ({"organisation_name": "\u0958" * 150}, "organisation_name", "200 characters"),
        ({"role": "\u0958" * 150}, "role", "200 characters"),
        ({"name": "\u200b\u2060"}, "name", "write your name"),
        ({"email": "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"}, "email", "254 characters"),
    ],
)
def test_lengths_are_checked_as_stored(client, version, on_commit, changes, field, words):
    response = sign(client, version, on_commit, **changes)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    "twin",
    ["Salford Food\u200b Hub", "Cafe\u0301 Hub", "ｓａｌｆｏｒｄ food hub", "SALFORD\tFOOD HUB"],
)
def test_invisible_or_decomposed_characters_cannot_sign_twice(version, on_commit, twin):
    first = "Café Hub" if "Cafe" in twin else "Salford Food Hub"
    signature = on_commit(
        lambda: publishing.start_signature(version, _data(organisation_name=first))
    )
    publishing.confirm(signature)
    with pytest.raises(publishing.SigningError, match="already signed"):
        publishing.start_signature(version, _data(organisation_name=twin, email="x@example.org"))
    assert signature.organisation_key == publishing.fold(signature.organisation_name)


def test_signing_a_replaced_version_keeps_what_was_typed(client, charter, version, on_commit):
    newer = on_commit(lambda: publishing.publish(make_version(charter, 2)))
    response = sign(client, version, on_commit)
    text = response.content.decode()
    assert "has been replaced by version 2" in text
    assert response.context["form"]["name"].value() == "Imran Siddiqui"
    assert 'value="Imran Siddiqui"' in text
    assert f'action="{url("sign", newer)}"' in text
    assert not Signature.objects.exists()


def test_confirming_on_a_replaced_version_asks_to_reconfirm(client, charter, version, on_commit):
    sign(client, version, on_commit)
    newer = on_commit(lambda: publishing.publish(make_version(charter, 2)))
    link = link_in(mail.outbox[0])
    mail.outbox.clear()
    response = on_commit(lambda: client.post(path_of(link), {"action": "confirm"}, follow=True))
    assert f'href="{url("call", newer)}"' in response.content.decode()
    (message,) = mail.outbox
    assert "/charters/reconfirm/" in message.body


def test_the_public_call_as_csv_and_json(client, charter, version, on_commit):
    sign(client, version, on_commit)
    sign(
        client, version, on_commit, organisation_name="Quiet Org", email="q@example.org", public=""
    )
    sign(client, version, on_commit, organisation_name="Pending Org", email="p@example.org")
    confirm_link(client, mail.outbox[0])
    confirm_link(client, mail.outbox[1])
    csv_text = b"".join(client.get(url("call_csv", version)).streaming_content).decode()
    data = client.get(url("call_json", version)).json()
    for text in (csv_text, str(data)):
        assert "Salford Food Hub" in text and "We will report back." in text
        assert "Quiet Org" not in text and "Pending Org" not in text
        assert "@example.org" not in text
    assert [s["organisation"] for s in data["signatures"]] == ["Salford Food Hub"]
    assert data["signatures"][0]["sample"] is False
    draft = make_version(charter, 2)
    assert client.get(url("call_json", draft)).status_code == 404


def test_sample_signatories_are_marked_and_never_emailed(client, charter, version, on_commit):
    sample = on_commit(lambda: publishing.start_signature(version, _data()))
    Signature.objects.filter(pk=sample.pk).update(is_sample=True)
    publishing.confirm(sample)
    assert 'class="badge">sample data' in client.get(url("call", version)).content.decode()
    mail.outbox.clear()
    on_commit(lambda: publishing.publish(make_version(charter, 2)))
    assert mail.outbox == []


def test_a_draft_does_not_call_an_older_version_newer(client, charter, version, organiser):
    draft = make_version(charter, 2)
    client.force_login(organiser)
    page = client.get(url("call", draft))
    assert page.context["latest"] is None
    assert "A newer version" not in page.content.decode()


def test_signing_is_rate_limited_per_address_too(client, version, on_commit, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "charter_sign_email": "2/h"}
    for number in range(2):
        client.defaults["REMOTE_ADDR"] = f"10.0.0.{number + 1}"
        sign(client, version, on_commit, organisation_name=f"Org {number}")
    client.defaults["REMOTE_ADDR"] = "10.0.0.9"
    response = sign(
        client, version, on_commit, organisation_name="Org 3", email="IMRAN@example.org"
    )
    assert response.status_code == 429
    assert Signature.objects.count() == 2
