"""robots.txt lets crawlers in everywhere but the admin and points them to the sitemap."""

from django.urls import reverse


def test_robots_allows_all_but_the_admin_and_names_the_sitemap(client, db):
    response = client.get(reverse("testimony:robots"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_robots_sitemap_address_follows_the_host(client, db, settings):
    settings.ALLOWED_HOSTS = ["archive.example.org"]
    response = client.get(reverse("testimony:robots"), headers={"host": "archive.example.org"}, secure=True)
    assert "Sitemap: https://archive.example.org/sitemap.xml" in response.content.decode()
