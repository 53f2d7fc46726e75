import pytest

from crawler.arguments import ArgumentError, parse_arguments


def test_no_arguments_is_the_demo():
    t = parse_arguments({})
    assert t.demo and t.profile.name == "demo" and not t.generic


def test_start_urls_is_generic():
    t = parse_arguments({"start_urls": "https://a.example.org/x, http://127.0.0.1:8080/"})
    assert t.generic and not t.demo
    assert set(t.profile.allowed_domains) == {"a.example.org", "127.0.0.1"}


@pytest.mark.parametrize("kwargs, message", [
    ({"site": "nope"}, "unknown site 'nope'"),
    ({"start_urls": "notaurl"}, "not an absolute http"),
    ({"start_urls": "javascript:alert(1)"}, "not an absolute http"),
    ({"start_urls": " , "}, "start_urls is empty"),
    ({"start_urls": "http://a.org:99999/"}, "invalid port"),
    ({"site": "demo", "start_urls": "http://a.org/"}, "not both"),
    ({"sitee": "demo"}, "unknown spider argument"),
])
def test_bad_arguments_fail_clearly(kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        parse_arguments(kwargs)
