"""The URL configuration as a whole."""

from django.urls import URLResolver, get_resolver


def test_no_two_routes_share_a_name():
    # `reverse` silently picks one of two routes of one name: links and the matrices would test the wrong page.
    names = []

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if not entry.namespace:
                    walk(entry)
            elif entry.name:
                names.append(entry.name)

    walk(get_resolver())
    assert sorted({name for name in names if names.count(name) > 1}) == []
