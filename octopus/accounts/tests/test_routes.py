"""The URL configuration as a whole."""

from django.urls import URLResolver, get_resolver


def test_no_two_routes_share_a_name():
    # `reverse` silently picks one of two routes of one name: links and the matrices would test the wrong page.
    names = []

    def walk(resolver, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                # The apps' namespaces are ours to keep unique; the admin's and the API's are not.
                if not entry.namespace or getattr(entry.urlconf_module, "__name__", "").startswith("octopus."):
                    walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif entry.name:
                names.append(namespace + entry.name)

    walk(get_resolver(), "")
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_every_app_names_its_pages_in_its_own_namespace():
    # octopus/<app>/urls.py declares app_name = "<app>" and octopus/urls.py includes it under that namespace, so
    # every page is reversed as "<app>:<name>".
    for entry in get_resolver().url_patterns:
        module = getattr(getattr(entry, "urlconf_module", None), "__name__", "")
        if module.startswith("octopus."):
            app = module.split(".")[1]
            assert (module, entry.namespace, entry.app_name) == (f"octopus.{app}.urls", app, app)
