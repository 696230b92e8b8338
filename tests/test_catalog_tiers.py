"""The tier table covers exactly the catalog's types, with tiers from `TIERS`."""

from __future__ import annotations

from scanner.catalog import TYPES
from scanner.catalog.tiers import PLACEMENTS, TIERS, placement, tier_of


def test_every_catalog_type_has_a_placement_and_no_other() -> None:
    assert set(PLACEMENTS) == set(TYPES)


def test_every_placement_names_a_known_tier_and_reads_as_words() -> None:
    for resource_type, found in PLACEMENTS.items():
        assert found.tier in TIERS, resource_type
        assert found.label and found.plural != found.label, resource_type
        assert found.technology, resource_type


def test_request_path_types_are_in_their_tier() -> None:
    assert tier_of("aws.cloudfront.distribution") == "edge"
    assert tier_of("gcp.run.service") == "compute"
    assert tier_of("aws.sqs.queue") == "messaging"
    assert tier_of("gcp.bigquery.dataset") == "data"
    assert placement("aws.iam.policy").plural == "IAM policies"


def test_an_unknown_type_is_management_named_after_its_last_part() -> None:
    found = placement("aws.newservice.thing_kind")
    assert (found.tier, found.label, found.plural) == ("management", "thing kind", "thing kinds")
