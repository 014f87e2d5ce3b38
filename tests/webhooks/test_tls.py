"""HTTPS to a pinned address: the certificate is checked against the URL's name, not the
address connected to, and the Host header is the name."""

import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from coproduce.webhooks import transport


@pytest.fixture
def tls_receiver(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.example.org"]
        + ["-addext", "subjectAltName=DNS:hooks.example.org"],
        check=True,
        capture_output=True,
    )
    hosts = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1], ssl.create_default_context(cafile=str(cert)), hosts
    server.shutdown()
    server.server_close()


def _post(url, context):
    return transport.post(
        url,
        b"{}",
        {},
        resolve=lambda host, port: ["127.0.0.1"],
        allowed=lambda ip: True,
        context=context,
    )


def test_the_certificate_is_checked_against_the_name(tls_receiver):
    port, context, hosts = tls_receiver
    answer = _post(f"https://hooks.example.org:{port}/in", context)
    assert answer.status == 204
    assert hosts == [f"hooks.example.org:{port}"]


def test_a_certificate_for_another_name_is_refused(tls_receiver):
    port, context, hosts = tls_receiver
    with pytest.raises(ssl.SSLCertVerificationError):
        _post(f"https://other.example.org:{port}/in", context)
    assert hosts == []
