"""The methodology page explains every credibility tag, from the data."""

from django.urls import reverse

from testimony.models import Tag, TagGroup

from . import factories

URL = reverse("testimony:methodology")


def test_every_group_and_tag_is_explained(client, db):
    group = factories.make_tag_group("Distance", slug="distance", description="How near the witness stood.")
    factories.make_tag("Within sight", group=group, slug="within-sight", definition="Saw it from under 100 metres.")
    response = client.get(URL)
    assert response.status_code == 200
    assert '<h2 id="group-distance-heading">Distance</h2>' in response.text
    assert "How near the witness stood." in response.text
    assert '<span class="chip">Within sight</span>' in response.text
    assert "Saw it from under 100 metres." in response.text
    assert 'href="/testimonies/?tag=within-sight"' in response.text
    for tag in Tag.objects.all():  # the vocabulary every archive starts with, too
        assert f'id="tag-{tag.slug}"' in response.text
    for tag_group in TagGroup.objects.all():
        assert f'<a href="#group-{tag_group.slug}">' in response.text


def test_methodology_query_count_does_not_grow_with_tags(client, db, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(URL)
    for _ in range(4):
        group = factories.make_tag_group()
        for _ in range(3):
            factories.make_tag(group=group)
    with django_assert_num_queries(2):
        response = client.get(URL)
    assert response.text.count('<span class="chip">') == Tag.objects.count()
