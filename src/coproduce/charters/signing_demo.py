"""The demo's call to action: the founding coalition's charter, published, with a dozen
fictional signatories (sample data) from several sectors, some with commitments, one who signed
privately and one who withdrew. Runs after the draft's demo step; running it twice adds nothing.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coproduce.people.sectors import Sector

from . import publishing
from .models import Charter, Commitment, Signature

# (organisation, name, role, sector, public, withdrawn, commitments). Fictional, all of them.
SIGNATORIES = [
    (
        "Ancoats Tenants' Network",
        "Grace Okafor",
        "Chair",
        Sector.RESIDENTS,
        True,
        False,
        ["We will bring two new tenants to every workshop we attend."],
    ),
    (
        "Salford Community Food Hub",
        "Imran Siddiqui",
        "Coordinator",
        Sector.CIVIL_SOCIETY,
        True,
        False,
        [
            "We will pay residents for their time by 2027.",
            "We will publish what we heard and what we did each year.",
        ],
    ),
    (
        "Northern Cities Research Unit",
        "Dr Helen Marsh",
        "Director",
        Sector.RESEARCH,
        True,
        False,
        [],
    ),
    (
        "Greater Manchester Housing Partnership",
        "Tom Brennan",
        "Head of engagement",
        Sector.PUBLIC_SERVICE,
        True,
        False,
        ["Tenants will sit on the panel that sets our repairs priorities."],
    ),
    (
        "Borough Council Neighbourhoods Team",
        "Aisha Rahman",
        "Neighbourhoods manager",
        Sector.LOCAL_GOVERNMENT,
        True,
        False,
        ["We will say at the start of every consultation what can still change."],
    ),
    ("Rochdale Youth Voice", "Callum Reid", "Youth worker", Sector.CIVIL_SOCIETY, True, False, []),
    ("Irwell Cycle Works", "Sofia Mendes", "Owner", Sector.BUSINESS, True, False, []),
    (
        "Wythenshawe Community Radio",
        "Patrick Doyle",
        "Station manager",
        Sector.CIVIL_SOCIETY,
        True,
        False,
        ["We will give airtime to every workshop's report back."],
    ),
    ("", "Maya Thompson", "", Sector.RESIDENTS, True, False, []),
    ("", "Daniel Kowalski", "", Sector.RESEARCH, True, False, []),
    # Signed privately: counted, named only to the organisers.
    ("Oldham Carers' Forum", "June Whitaker", "Trustee", Sector.CIVIL_SOCIETY, False, False, []),
    # Withdrew: kept in the history, shown as withdrawn.
    ("Canal Side Developments", "Rob Ashworth", "Partner", Sector.BUSINESS, True, True, []),
]


@transaction.atomic
def demo_call_to_action(workshop) -> None:
    charter = (
        Charter.objects.filter(coalition=workshop.coalition).order_by("created_at", "pk").first()
    )
    if charter is None:
        return
    version = publishing.latest_version(charter)
    if version is None:
        return
    if not version.is_published:
        publishing.publish(version)
    if version.signatures.filter(is_sample=True).exists():
        return
    now = timezone.now()
    for number, row in enumerate(SIGNATORIES):
        _sign(version, row, at=now - timedelta(hours=len(SIGNATORIES) - number))


def _sign(version, row, *, at) -> None:
    organisation, name, role, sector, public, withdrawn, commitments = row
    slug = "".join(ch for ch in (organisation or name).lower() if ch.isalnum())[:30]
    signature = Signature.objects.create(
        version=version,
        organisation_name=organisation,
        organisation_key=publishing.fold(organisation),
        name=name,
        role=role,
        sector=sector,
        email=f"{slug}@example.org",
        email_key=f"{slug}@example.org",
        public=public,
        token_hash=publishing.hash_token(secrets.token_urlsafe(24)),  # never sent: sample data
        created_at=at,
        confirmed_at=at + timedelta(minutes=5),
        withdrawn_at=at + timedelta(hours=1) if withdrawn else None,
        is_sample=True,
    )
    Commitment.objects.bulk_create(
        Commitment(signature=signature, position=position, text=text)
        for position, text in enumerate(commitments)
    )
