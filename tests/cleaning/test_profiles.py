from pathlib import Path

import pytest

from cleaning.profiles import ProfileError, available_profiles, load_profile, parse_profile

BASE = {"name": "x", "start_urls": ["https://example.org/"]}


def test_demo_profile_loads_and_classifies_urls():
    p = load_profile("demo")
    assert "demo" in available_profiles()
    assert p.url_kind("http://demo.health.test/article/a-b.html") == "article"
    assert p.url_kind("http://demo.health.test/category/sleep/page/2/") == "listing"
    assert p.url_kind("http://demo.health.test/about.html") == "unknown"
    assert p.denies("http://demo.health.test/private/x")
    assert p.selectors.body == ".article-content"


def test_unknown_site_names_available_ones():
    with pytest.raises(ProfileError, match=r"unknown site 'nope'.*demo"):
        load_profile("nope")


@pytest.mark.parametrize("patch, message", [
    ({"selectors": {"body": "div[[["}}, "invalid CSS selector"),
    ({"selectors": {"bodyy": "p"}}, "unknown selectors"),
    ({"urls": {"article": ["(unclosed"]}}, "invalid regular expression"),
    ({"start_urls": ["ftp://x/"]}, "not an absolute http"),
    ({"start_urls": []}, "must not be empty"),
    ({"colour": "blue"}, "unknown keys"),
    ({"name": "Bad Name"}, "lowercase identifier"),
])
def test_invalid_profiles_fail_with_the_key(patch, message):
    with pytest.raises(ProfileError, match=message):
        parse_profile({**BASE, **patch}, "site.toml")


def test_profile_from_env_dir(tmp_path: Path, monkeypatch):
    (tmp_path / "mysite.toml").write_text('name = "mysite"\nstart_urls = ["https://health.example.org/"]\n')
    monkeypatch.setenv("HEALTH_SITES_DIR", str(tmp_path))
    p = load_profile("mysite")
    assert p.allowed_domains == ("health.example.org",)


def test_profile_name_must_match_file(tmp_path: Path, monkeypatch):
    (tmp_path / "a.toml").write_text('name = "b"\nstart_urls = ["https://e.org/"]\n')
    monkeypatch.setenv("HEALTH_SITES_DIR", str(tmp_path))
    with pytest.raises(ProfileError, match="file is named 'a'"):
        load_profile("a")


def test_broken_toml_names_the_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = ")
    with pytest.raises(ProfileError, match="bad.toml"):
        load_profile(str(bad))
