"""The pure rules: signatures, which addresses may be reached, which URLs may be registered,
and the retry schedule."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.webhooks import signing

secrets_ = st.binary(min_size=1, max_size=64)
bodies = st.binary(max_size=2000)
times = st.integers(min_value=0, max_value=2**40)


@given(secrets_, times, bodies)
def test_a_signed_body_verifies(secret, timestamp, body):
    header = signing.signature_header(secret, timestamp, body)
    assert signing.verify(secret, header, body, now=timestamp)


@given(secrets_, times, bodies, st.binary(min_size=1, max_size=20))
def test_a_changed_body_does_not_verify(secret, timestamp, body, extra):
    header = signing.signature_header(secret, timestamp, body)
    assert not signing.verify(secret, header, body + extra, now=timestamp)


@given(secrets_, secrets_, times, bodies)
def test_another_secret_does_not_verify(secret, other, timestamp, body):
    header = signing.signature_header(secret, timestamp, body)
    assert signing.verify(other, header, body, now=timestamp) == (other == secret)


@given(secrets_, times, bodies, st.integers(min_value=-10_000, max_value=10_000))
def test_the_time_must_be_within_the_tolerance(secret, timestamp, body, drift):
    header = signing.signature_header(secret, timestamp, body)
    ok = signing.verify(secret, header, body, now=timestamp + drift, tolerance=300)
    assert ok == (abs(drift) <= 300)


@given(secrets_, times, bodies, times)
def test_a_changed_time_does_not_verify(secret, timestamp, body, other_time):
    digest = signing.sign(secret, timestamp, body)
    forged = f"t={other_time},v1={digest}"
    assert signing.verify(secret, forged, body, now=other_time) == (other_time == timestamp)


def test_the_signature_is_hmac_sha256_over_time_dot_body():
    # Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
    import hashlib
    import hmac

    expected = hmac.new(b"key", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert signing.sign(b"key", 1700000000, b'{"a":1}') == expected
    assert signing.signature_header(b"key", 1700000000, b'{"a":1}') == f"t=1700000000,v1={expected}"


@pytest.mark.parametrize("header", ["", "garbage", "t=abc,v1=00", "v1=00", "t=1"])
def test_malformed_headers_do_not_verify(header):
    assert not signing.verify(b"key", header, b"{}", now=1)


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.255.0.9",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "0.1.2.3",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "198.18.0.1",
        "::1",
        "::",
        "fd00::1",
        "fc00::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2001::1",  # Teredo
        "2001:db8::1",  # documentation
        "not an address",
    ],
)
def test_private_and_special_addresses_are_refused(ip):
    assert not signing.is_public_address(ip)


@pytest.mark.parametrize("ip", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(ip):
    assert signing.is_public_address(ip)


ipv4 = st.integers(min_value=0, max_value=2**32 - 1).map(ipaddress.IPv4Address)


@given(ipv4)
def test_an_ipv4_mapped_address_is_judged_as_its_ipv4(address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert signing.is_public_address(mapped) == signing.is_public_address(address)


@given(st.integers(min_value=0, max_value=2**24 - 1))
def test_every_address_of_ten_slash_eight_is_refused(offset):
    assert not signing.is_public_address(ipaddress.IPv4Address(0x0A000000 + offset))


@given(st.integers(min_value=0, max_value=2**22 - 1))
def test_every_cgnat_address_is_refused(offset):
    assert not signing.is_public_address(ipaddress.IPv4Address(0x64400000 + offset))


@given(ipv4)
def test_an_allowed_address_is_global_and_never_private(address):
    if signing.is_public_address(address):
        assert address.is_global and not address.is_private and not address.is_loopback


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "Give the address"),
        ("http://hooks.example.org/in", "https://"),
        ("ftp://hooks.example.org/in", "https://"),
        ("https://user:pw@hooks.example.org/in", "user name or password"),
        ("https://user@hooks.example.org/in", "user name or password"),
        ("https://hooks.example.org:22/in", "standard HTTPS port"),
        ("https://127.0.0.1/in", "private network"),
        ("https://[::1]/in", "private network"),
        ("https://169.254.169.254/latest/meta-data", "private network"),
        ("https://[::ffff:10.0.0.1]/in", "private network"),
        ("https://localhost/in", "private network"),
        ("https://printer.local/in", "private network"),
        ("https://intranet/in", "full internet name"),
        ("https:///in", "no host name"),
        ("https://hooks.example.org:99999/in", "not a valid web address"),
        ("https://hooks.example.org/" + "a" * 3000, "too long"),
    ],
)
def test_urls_that_may_not_receive_webhooks(url, words):
    assert words in signing.check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.org/in",
        "https://hooks.example.org:8443/in?key=1",
        "https://93.184.216.34/in",
        "https://[2606:4700::1111]/in",
    ],
)
def test_urls_that_may(url):
    assert signing.check_url(url) == ""


def test_the_retry_schedule_grows_then_gives_up():
    waits = [signing.next_attempt(n) for n in range(1, signing.MAX_ATTEMPTS + 1)]
    assert waits[:-1] == [60, 300, 1800, 7200, 43200]
    assert waits[-1] is None
    assert signing.next_attempt(0) is None
