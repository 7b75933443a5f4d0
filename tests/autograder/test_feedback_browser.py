"""The feedback pages and the TA's index, opened in headless Chromium after a real grading run of
assignment 00's sample students: no page errors, every link resolves, the index sorts and
filters, a page with mistakes shows the first failing question on its first screen, pages
written before publishing carry no hidden test's name or detail, and the mistake report
(mistakes.html, beside feedback/) renders with working links to the example pages. Screenshots are kept in
out/test-artifacts/ (two of them are README's).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from autograder.batch.command import GradeOptions, run_grade
from autograder.batch.runner import RESULTS_FILE
from autograder.config import load_config
from tests.browser import chromium_page, screenshot
from tests.build_once import built

pytestmark = pytest.mark.slow

NAME = "00_introduction"
SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "submissions" / NAME
STUDENTS = ("alice_correct", "frank_missing_factor_2", "mona_infinite_loop", "pete_invalid_json")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    folder = tmp_path_factory.mktemp("feedback-browser")
    inputs = folder / "in"
    inputs.mkdir()
    for student in STUDENTS:
        shutil.copyfile(SAMPLES / f"{student}.ipynb", inputs / f"{student}.ipynb")
    paths = built(NAME)
    # the samples' own limits (see autograder.demo): the looping student is quick to grade
    options = GradeOptions(NAME, [str(inputs)], folder / "out", 1, 10, 1024)
    run_grade(options, paths, load_config(paths.config_file))
    lines = (folder / "out" / RESULTS_FILE).read_text().splitlines()
    records = {r["student_id"]: r for r in map(json.loads, lines)}
    return folder / "out" / "feedback", records


def _links_resolve(page, base: Path) -> list[str]:
    """The hrefs of the page that point to no file."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return [h for h in hrefs if not Path(unquote(urlparse(h).path)).exists()]


def test_the_index_lists_sorts_and_filters_and_every_link_resolves(graded):
    feedback, records = graded
    with chromium_page() as page:
        page.goto((feedback / "index.html").as_uri())
        assert _links_resolve(page, feedback) == []
        rows = page.locator("#grades tbody tr")
        assert rows.count() == len(records)
        header = page.locator("#grades thead th", has_text="Total").locator("button")
        header.focus()
        page.keyboard.press("Enter")  # keyboard only
        totals = [
            float(t) for t in page.locator("#grades tbody tr td:nth-child(3)").all_inner_texts()
        ]
        assert totals == sorted(totals)
        page.select_option("#status", "timeout")
        assert page.locator("#grades tbody tr:not([hidden])").count() == 1
        page.select_option("#status", "")
        screenshot(page, "feedback-index")
        assert not page.errors, page.errors


def test_a_page_with_mistakes_leads_with_the_failing_question(graded):
    feedback, records = graded
    record = records["frank_missing_factor_2"]
    lost = [q for q in record["questions"] if q["score"] < q["max_score"]]
    assert lost, "this sample loses points"
    with chromium_page(height=800) as page:
        page.goto((feedback / "frank_missing_factor_2.html").as_uri())
        first = page.locator(".question.lost").first
        box = first.bounding_box()
        assert box is not None and box["y"] < 800, "the first failing question is below the fold"
        assert lost[0]["name"] in first.inner_text()
        assert "failed" in first.inner_text() or "hidden tests:" in first.inner_text()
        assert _links_resolve(page, feedback) == []
        screenshot(page, "feedback-mistakes")
        assert not page.errors, page.errors


@pytest.mark.parametrize("student", ["alice_correct", "mona_infinite_loop", "pete_invalid_json"])
def test_full_marks_timeout_and_invalid_pages_render_and_hide_hidden_tests(graded, student):
    feedback, records = graded
    hidden = {t["name"] for q in records[student]["questions"] for t in q["tests"] if t["hidden"]}
    with chromium_page() as page:
        page.goto((feedback / f"{student}.html").as_uri())
        text = page.locator("body").inner_text()
        assert not page.errors, page.errors
        screenshot(page, f"feedback-{student}")
    assert "Hidden test details" not in text
    assert not [name for name in hidden if name in text], "unpublished: no hidden test is named"
    if student == "alice_correct":
        assert "Questions that lost points" not in text and "Full marks" in text
    if student == "mona_infinite_loop":
        assert text.index("ran out of time") < text.index("Questions that lost points")
    if student == "pete_invalid_json":
        assert text.count("could not be read as a Jupyter notebook") == 1
        assert "did not run" not in text


def test_the_mistake_report_renders_and_links_each_example_page(graded):
    feedback, records = graded
    report = feedback.parent / "mistakes.html"
    named = {
        t["mistake"] for q in records["frank_missing_factor_2"]["questions"] for t in q["tests"]
    }
    named.discard("")
    assert named, "this sample's failures name a mistake"
    with chromium_page() as page:
        page.goto(report.as_uri())
        assert not page.errors, page.errors
        assert _links_resolve(page, report.parent) == []
        text = page.locator("body").inner_text()
        examples = page.eval_on_selector_all("a[href^='feedback/']", "a => a.map(x => x.href)")
        screenshot(page, "mistakes-report")
    assert all(code in text for code in named)
    assert any(href.endswith("/frank_missing_factor_2.html") for href in examples)
    assert "pete_invalid_json" not in text  # a file that is no notebook is not counted
