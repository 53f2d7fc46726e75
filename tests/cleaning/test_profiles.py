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


def test_profile_from_sites_dirs(tmp_path: Path, monkeypatch):
    from cleaning.config import value

    (tmp_path / "mysite.toml").write_text('name = "mysite"\nstart_urls = ["https://health.example.org/"]\n')
    monkeypatch.setenv("HEALTH_SITES_DIR", str(tmp_path))  # the setting's environment fallback
    p = load_profile("mysite", value(None, "HEALTH_SITES_DIR"))
    assert p.allowed_domains == ("health.example.org",)
    with pytest.raises(ProfileError, match="unknown site 'mysite'"):
        load_profile("mysite")  # nothing below the entry points reads the environment


def test_profile_name_must_match_file(tmp_path: Path):
    (tmp_path / "a.toml").write_text('name = "b"\nstart_urls = ["https://e.org/"]\n')
    with pytest.raises(ProfileError, match="file is named 'a'"):
        load_profile("a", [str(tmp_path)])


def test_a_saved_profile_is_the_one_the_crawl_used(tmp_path: Path):
    from cleaning.profiles import save_profile, saved_profile

    p = load_profile("demo")
    path = save_profile(tmp_path, p)
    assert saved_profile(tmp_path, "demo", p.content_hash) == p
    path.write_text(p.text + "\n# edited later\n")
    with pytest.raises(ProfileError, match="changed since the crawl"):
        saved_profile(tmp_path, "demo", p.content_hash)


def test_broken_toml_names_the_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = ")
    with pytest.raises(ProfileError, match="bad.toml"):
        load_profile(str(bad))
