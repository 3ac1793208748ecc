"""Company enrichment from what is known: the domain of its people's e-mail, its network, the CRM export."""

from __future__ import annotations

import csv
import io

import pytest

from leads.intel.enrichment import is_mailbox_provider
from leads.intel.models import Company

from .factories import CompanyFactory, IpRangeFactory
from .test_network_data import import_file
from .test_scores import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def nameless_domain_company(tmp_path):
    """A company known from the network data alone: a name, no domain."""
    from .network_files import write_iptoasn

    import_file(write_iptoasn(tmp_path / "ip2asn-combined.tsv"), "iptoasn")
    return "192.0.2.5"


def test_a_persons_work_address_gives_the_company_its_domain(site, nameless_domain_company):
    record(site, nameless_domain_company, "/", identify="jana@bohemia-logistics.example")
    assert Company.objects.get(name="Bohemia Logistics a.s.").domain == "bohemia-logistics.example"


def test_a_mailbox_providers_address_says_nothing_of_the_company(site, nameless_domain_company):
    record(site, nameless_domain_company, "/", identify="jana.novak@gmail.com")
    assert Company.objects.get(name="Bohemia Logistics a.s.").domain == ""


def test_another_companys_domain_is_not_taken(site, nameless_domain_company):
    CompanyFactory(domain="taken.example")
    record(site, nameless_domain_company, "/", identify="jana@taken.example")
    assert Company.objects.get(name="Bohemia Logistics a.s.").domain == ""


@pytest.mark.parametrize("domain", ["gmail.com", "yahoo.co.uk", "hotmail.de", "seznam.cz"])
def test_mailbox_providers_are_known(domain):
    assert is_mailbox_provider(domain)


def test_the_company_export_carries_what_a_crm_import_expects(client, owner, site, nameless_domain_company):
    company = IpRangeFactory(cidr="198.51.100.0/24").company
    record(site, "198.51.100.5", "/", "/pricing")
    client.force_login(owner.user)
    response = client.post("/admin/intel/company/", {"action": "export_csv", "_selected_action": [company.pk]})
    assert response.status_code == 200, response.content[:300]
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert (row["name"], row["domain"], row["visits"]) == (company.name, company.domain, "1")
    assert float(row["score"]) == pytest.approx(4.0, abs=0.1) and row["last_seen"]
