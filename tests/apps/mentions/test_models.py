import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from apps.mentions.services import author_pseudonymise
from tests.factories import MentionFactory

pytestmark = pytest.mark.django_db


def test_source_and_external_id_are_unique() -> None:
    MentionFactory.create(source="post", external_id="42")
    MentionFactory.create(source="tip", external_id="42")
    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory.create(source="post", external_id="42")


@pytest.mark.parametrize("rating", [0, 6])
def test_rating_outside_one_to_five_is_refused(rating: int) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory.create(rating=rating)


def test_score_outside_minus_one_to_one_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MentionFactory.create(opinion_score=1.5)


def test_author_pseudonym_is_a_keyed_hash() -> None:
    with override_settings(AUTHOR_HASH_SECRET="one"):
        first = author_pseudonymise("user-123")
        assert first == author_pseudonymise("user-123")
        assert len(first) == 64 and "user-123" not in first
    with override_settings(AUTHOR_HASH_SECRET="two"):
        assert author_pseudonymise("user-123") != first
    assert author_pseudonymise("") == ""
