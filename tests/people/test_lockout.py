"""Per-account lockout after wrong passwords (django-axes, people/lockout.py).

Time passes by moving axes' records into the past (``pass_time``): the lock is computed from
their times, so that is the same as waiting, and nothing here waits.
"""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.core import mail
from django.db.models import F
from django.urls import reverse
from factories import PASSWORD, PersonFactory

from coproduce.people import lockout

pytestmark = pytest.mark.django_db

EMAIL = "bo@example.org"


def pass_time(**kwargs) -> None:
    delta = timedelta(**kwargs)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - delta)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)
    AccessLog.objects.update(attempt_time=F("attempt_time") - delta)


def log_in(client, password: str, address: str, *, name: str = EMAIL, admin: bool = False):
    client.cookies.clear()
    url = reverse("admin:login") if admin else reverse("people:login")
    return client.post(url, {"username": name, "password": password}, REMOTE_ADDR=address)


def wrong_run(client, first: int = 1, *, admin: bool = False) -> list:
    """Five wrong passwords for the account, each from a different address."""
    return [log_in(client, "wrong", f"198.51.100.{first + i}", admin=admin) for i in range(5)]


def test_five_wrong_passwords_from_five_addresses_lock_the_account(client):
    PersonFactory(email=EMAIL)
    responses = wrong_run(client)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    # Even the right password, from yet another address, is refused while the lock lasts.
    refused = log_in(client, PASSWORD, "192.0.2.77")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many wrong passwords for this account. Try again in 5 minutes" in page
    assert f'href="{reverse("people:password_reset")}"' in page
    assert "_auth_user_id" not in client.session
    pass_time(minutes=5, seconds=1)
    assert log_in(client, PASSWORD, "192.0.2.77").status_code == 302


def test_the_lock_doubles_on_the_next_run(client):
    PersonFactory(email=EMAIL)
    wrong_run(client)
    pass_time(minutes=5, seconds=1)
    second = wrong_run(client)  # from the same addresses: they start from nothing again
    assert [r.status_code for r in second] == [200, 200, 200, 200, 429]
    assert "Try again in 10 minutes" in second[-1].content.decode()
    pass_time(minutes=6)
    assert log_in(client, PASSWORD, "192.0.2.77").status_code == 429  # 10 minutes, not 5
    pass_time(minutes=4, seconds=1)
    assert log_in(client, PASSWORD, "192.0.2.77").status_code == 302


def test_runs_double_up_to_a_day():
    lengths = [lockout.lock_length(run) for run in range(1, 12)]
    assert lengths[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert lengths[-1] == timedelta(hours=24)
    assert all(a <= b for a, b in zip(lengths, lengths[1:], strict=False))


def test_a_completed_password_reset_lets_the_person_in(client):
    PersonFactory(email=EMAIL)
    wrong_run(client)
    assert log_in(client, PASSWORD, "192.0.2.77").status_code == 429
    client.cookies.clear()
    assert client.post(reverse("people:password_reset"), {"email": EMAIL}).status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    new = "a-brand-new-password-91"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert log_in(client, new, "192.0.2.77").status_code == 302


def test_a_completed_password_reset_forgets_the_runs(client):
    person = PersonFactory(email=EMAIL)
    wrong_run(client)
    pass_time(minutes=5, seconds=1)
    wrong_run(client)  # a second lock: 10 minutes
    client.cookies.clear()
    client.post(reverse("people:password_reset"), {"email": EMAIL})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    new = "a-brand-new-password-91"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    person.refresh_from_db()
    assert person.check_password(new)
    # No login in between: the next lock is the first again, 5 minutes.
    responses = wrong_run(client, first=40)
    assert "Try again in 5 minutes" in responses[-1].content.decode()


def test_failures_right_after_a_lock_ends_count_in_full(client):
    PersonFactory(email=EMAIL)
    wrong_run(client)
    pass_time(minutes=5, seconds=1)
    statuses = []
    for i in range(5):
        statuses.append(log_in(client, "wrong", f"198.51.100.{60 + i}").status_code)
        pass_time(seconds=2)
    assert statuses == [200, 200, 200, 200, 429]


def test_the_account_name_is_not_case_sensitive_for_the_lock(client):
    PersonFactory(email=EMAIL)
    names = ["BO@example.org", " bo@EXAMPLE.org", "bo@example.org", "Bo@Example.Org", EMAIL]
    statuses = [
        log_in(client, "wrong", f"198.51.100.{i}", name=name).status_code
        for i, name in enumerate(names)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_a_successful_login_forgets_earlier_failures(client):
    PersonFactory(email=EMAIL)
    assert [log_in(client, "wrong", "198.51.100.1").status_code for _ in range(4)] == [200] * 4
    assert log_in(client, PASSWORD, "198.51.100.1").status_code == 302
    assert [log_in(client, "wrong", "198.51.100.1").status_code for _ in range(4)] == [200] * 4


def test_the_lock_is_per_account_not_per_address(client):
    PersonFactory(email=EMAIL)
    other = PersonFactory()
    wrong_run(client)
    assert log_in(client, PASSWORD, "198.51.100.5", name=other.email).status_code == 302


def test_the_admin_login_is_covered_too(client):
    PersonFactory(email=EMAIL, is_staff=True, is_superuser=True)
    responses = wrong_run(client, admin=True)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert log_in(client, PASSWORD, "192.0.2.77", admin=True).status_code == 429
    # One lock for both doors: our login is refused too.
    assert log_in(client, PASSWORD, "192.0.2.78").status_code == 429
    pass_time(minutes=5, seconds=1)
    assert log_in(client, PASSWORD, "192.0.2.77", admin=True).status_code == 302
