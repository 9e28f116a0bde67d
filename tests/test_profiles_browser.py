"""The force pages in a real browser: Debian's headless Chromium driven by selenium (chromium-driver).

`make test` installs chromium and chromium-driver where they are missing and the machine allows it. The pages
are rendered into the test's temporary folder with the same functions `python -m analysis profiles` uses
(real funnel images), opened from file:// with the network off, and checked as a reader would see them:
every image decoded (natural width > 0), the figures table with one row per published figure, every source
link an absolute http(s) url, nothing fetched from anywhere. A screenshot of each page is kept beside it.
"""
import base64
import shutil
from pathlib import Path

import pytest

from analysis import force_profile, forces, profiles

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "the browser test needs Debian's chromium and chromium-driver: run `make test` (it installs them as "
        "root) or `apt-get install chromium chromium-driver`")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1600", "--hide-scrollbars",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """index.html, the page of the force with the most funnels (ties: the most figures) and the page of the
    force with the fewest figures (a force with none, while the data have one)."""
    out = tmp_path_factory.mktemp("site")
    tables = force_profile.load_tables()
    every = [force_profile.profile(f, tables) for f in forces.registry()["force"]]
    (out / "index.html").write_text(profiles.render_index(every), encoding="utf-8")
    most = max(every, key=lambda p: (len(p.funnels), len(p.figures)))
    fewest = min(every, key=lambda p: (len(p.figures), p.force))
    for p in (most, fewest):
        (out / f"{p.slug}.html").write_text(profiles.render_page(p), encoding="utf-8")
    return out, most, fewest


def inspect(driver, path: Path, shot: Path) -> dict:
    """Open a page and report what the reader gets: broken images, table rows, links, network use."""
    driver.get(path.as_uri())
    driver.execute_script("return document.fonts ? document.fonts.ready : null")
    images = driver.execute_script(
        "return Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, w: i.naturalWidth}))")
    report = {
        "images": images,
        "broken": [i for i in images if not i["complete"] or i["w"] == 0],
        "figure_rows": driver.execute_script(
            "const t = document.getElementById('figures'); return t ? t.tBodies[0].rows.length : null"),
        "source_links": driver.execute_script(
            "return Array.from(document.querySelectorAll('a.source')).map(a => a.href)"),
        "other_links": driver.execute_script(
            "return Array.from(document.querySelectorAll('a:not(.source)')).map(a => a.getAttribute('href'))"),
        "fetched": driver.execute_script(
            "return performance.getEntriesByType('resource').map(r => r.name)"
            ".filter(n => !n.startsWith('data:') && !n.startsWith('file:'))"),
        "text": driver.find_element("tag name", "body").text,
    }
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    return report


def _check_links(report):
    assert report["source_links"], "a page with figures links its sources"
    for href in report["source_links"]:
        assert href.startswith(("http://", "https://")) and "://" in href and " " not in href, href
    for href in report["other_links"]:
        assert href.startswith("#") or href.endswith(".html"), href


def test_index_in_the_browser(browser, site, obs):
    out, _, _ = site
    report = inspect(browser, out / "index.html", out / "index.png")
    assert report["fetched"] == [] and report["broken"] == []
    rows = browser.execute_script("return document.getElementById('forces').tBodies[0].rows.length")
    assert rows == forces.N_FORCES
    with_figures = sum(((obs["force"] == f) & ~obs["qualifier"].isin(force_profile.NO_FIGURE)).any()
                       for f in forces.registry()["force"])
    assert f"{with_figures} of {forces.N_FORCES} forces have at least one published figure" in report["text"]


def test_page_with_funnels_in_the_browser(browser, site, obs):
    out, p, _ = site
    report = inspect(browser, out / f"{p.slug}.html", out / f"{p.slug}.png")
    assert len(p.funnels) >= 1
    assert len(report["images"]) == len(p.funnels)
    assert report["broken"] == [], f"images that did not load: {report['broken']}"
    assert all(i["w"] >= 800 for i in report["images"])
    assert report["figure_rows"] == int((obs["force"] == p.force).sum())
    assert report["fetched"] == []
    _check_links(report)
    for sentence in (p.in_short,) + p.known[:1] + p.compared[:1]:
        assert sentence in report["text"]


def test_page_of_the_force_with_fewest_figures_in_the_browser(browser, site, obs):
    out, _, p = site
    report = inspect(browser, out / f"{p.slug}.html", out / f"{p.slug}.png")
    n = int((obs["force"] == p.force).sum())
    assert report["broken"] == [] and report["fetched"] == []
    assert len(report["images"]) == len(p.funnels)
    if n == 0:
        assert report["figure_rows"] is None
        assert f"No published figure for {p.force} was found" in report["text"]
    else:
        assert report["figure_rows"] == n
    for href in report["source_links"] + [h for h in report["other_links"] if not h.startswith("#")]:
        assert href.startswith(("http://", "https://")) or href == "index.html", href


def test_a_broken_image_is_caught(browser, site):
    """The check must fail on a page whose image does not decode: the same page with its first image's
    bytes corrupted (and a second image pointing at a file that does not exist)."""
    out, p, _ = site
    text = (out / f"{p.slug}.html").read_text(encoding="utf-8")
    start = text.index("data:image/png;base64,") + len("data:image/png;base64,")
    broken = text[:start] + base64.b64encode(b"not a png at all").decode() + text[text.index('"', start):]
    broken = broken.replace("</main>", '<img src="missing-figure.png" alt="a figure that is not there"></main>')
    path = out / "broken.html"
    path.write_text(broken, encoding="utf-8")
    report = inspect(browser, path, out / "broken.png")
    assert len(report["broken"]) == 2
    assert {i["alt"] for i in report["broken"]} >= {"a figure that is not there"}
