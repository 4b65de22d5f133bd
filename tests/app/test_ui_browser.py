"""The web UI in a real browser: `brieflens ui` on 127.0.0.1, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from app.ui.launch import HOST, free_port, ui_env
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.ui_support import EVIL_QUESTION, build_index

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTION = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
DRAFT_TITLE = "Model distillation and export controls"

pytestmark = pytest.mark.slow


@pytest.fixture
def server(
    make_settings: Callable[..., Settings], corpus_copy: Path, embedder: SentenceTransformerEmbedder, tmp_path: Path
) -> Iterator[str]:
    """`brieflens ui --port N` as a real subprocess over an index of the seed corpus; yields its URL."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does)")
    settings = make_settings()
    build_index(settings, corpus_copy, embedder)
    port = free_port()
    env = ui_env(settings)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    log = (tmp_path / "ui.log").open("w")
    command = [sys.executable, "-c", "from app.cli import main; main()", "ui", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "ui.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the UI did not start: " + (tmp_path / "ui.log").read_text()
            time.sleep(0.5)
        assert f"BriefLens UI: {url}" in (tmp_path / "ui.log").read_text()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def shot(page: Page, tmp_path: Path, name: str) -> None:
    """Screenshot into the test's tmp dir; copied to docs/screenshots/ when BRIEFLENS_UPDATE_SCREENSHOTS=1."""
    page.mouse.move(1, 1)  # no hover tooltip in the picture
    page.wait_for_timeout(500)
    path = tmp_path / name
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a real rendering, not a blank page
    # Only on request: a test run must not leave the checkout modified.
    if os.environ.get("BRIEFLENS_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENSHOTS / name)


def ask(page: Page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")


def test_chat_citation_opens_highlighted_quote_in_browser(server: str, tmp_path: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server, timeout=60_000)
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=120_000)
            ask(page, QUESTION)
            marker = page.locator(".st-key-cite-0-1 button").first
            marker.wait_for(timeout=120_000)
            marker.click()
            quote = page.locator(".st-key-viewer-0-1 mark.bl-quote").first
            expect(quote).to_be_visible(timeout=60_000)
            expect(quote).to_contain_text("950PR and 950DT chips achieved day-zero compatibility")
            expect(page.locator(".st-key-viewer-0-1").first).to_contain_text("Geopolitics & Sovereign Positioning")
            shot(page, tmp_path, "chat-citation.png")

            # A brief holding <script> and <b> shows them as text; nothing of it runs or renders.
            ask(page, EVIL_QUESTION)
            page.locator(".st-key-cite-1-1 button").first.click(timeout=120_000)
            evil = page.locator(".st-key-viewer-1-1 .bl-source").first
            expect(evil).to_contain_text("<script>document.title='pwned'</script>", timeout=60_000)
            expect(evil).to_contain_text("<b>to Lagos</b>")
            assert page.title() != "pwned" and evil.locator("script, b").count() == 0

            page.get_by_role("link", name="Library").click()
            expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=60_000)
            shot(page, tmp_path, "library.png")

            page.get_by_role("link", name="Evaluate").click()
            page.get_by_role("button", name="Run the evaluation").click(timeout=60_000)
            expect(page.get_by_text("Unsupported claims")).to_be_visible(timeout=300_000)
            expect(page.get_by_role("button", name="Download report.html")).to_be_visible()
            shot(page, tmp_path, "evaluate.png")
        finally:
            browser.close()
    assert os.path.getsize(tmp_path / "chat-citation.png") > 10_000


def test_draft_page_outlines_and_drafts_in_browser(server: str, tmp_path: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1500})
            page.goto(server, timeout=60_000)
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=120_000)  # the app's own navigation is up
            page.get_by_role("link", name="Draft", exact=True).click()
            page.get_by_label("Section title").fill(DRAFT_TITLE)
            page.get_by_label("Guidance (optional)").fill("focus on enforcement")
            page.locator(".st-key-draft_outline_btn button").click()
            expect(page.locator(".st-key-outline-3")).to_be_visible(timeout=120_000)
            page.locator(".st-key-draft_btn button").click()
            marker = page.locator(".st-key-draft-cite-1 button").first
            marker.wait_for(timeout=120_000)
            expect(page.locator(".st-key-draft-sub-0 h4")).to_be_visible()
            expect(page.get_by_text("single source").first).to_be_visible()
            expect(page.get_by_role("button", name="Download .docx")).to_be_visible()
            marker.click()
            expect(page.locator(".st-key-draft-viewer-1 mark.bl-quote").first).to_be_visible(timeout=60_000)
            page.locator(".st-key-draft-close-1 button").click()
            expect(page.locator(".st-key-draft-viewer-1")).to_have_count(0, timeout=60_000)
            page.get_by_label("Section title").scroll_into_view_if_needed()
            shot(page, tmp_path, "draft.png")
        finally:
            browser.close()
    assert os.path.getsize(tmp_path / "draft.png") > 10_000
