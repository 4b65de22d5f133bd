"""The Streamlit pages, run by AppTest against a real index of the seed corpus; and the UI's small functions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app.ui import chat, evaluate, launch, library
from app.ui.markup import highlight
from retrieval.answer import Answer
from retrieval.index.embedding import SentenceTransformerEmbedder
from retrieval.settings import Settings
from tests.app.ui_support import EVIL_NAME, EVIL_QUESTION, EVIL_TEXT, build_index, export
from tests.retrieval.openai_stub import Script, serve

MAIN = Path(launch.MAIN)
DEV_QUESTION = "Which Huawei chips achieved day-zero compatibility with DeepSeek V4?"
ABSTAIN_QUESTION = "What is the population of Reykjavik?"


@pytest.fixture
def settings(
    make_settings: Callable[..., Settings],
    corpus_copy: Path,
    embedder: SentenceTransformerEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Settings]:
    """An index of the seed briefs (plus a brief holding markup), handed to the app through BRIEFLENS_* vars."""
    built = make_settings()
    build_index(built, corpus_copy, embedder)
    export(built, monkeypatch)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's leaks in
    yield built


def open_app(page: str | None = None) -> AppTest:
    """Run the entry script (first run loads the model: generous timeout), optionally on another page."""
    at = AppTest.from_file(str(MAIN), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def html_of(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


# --- Chat ---


def test_chat_marker_opens_the_quote_highlighted_in_its_brief(settings: Settings) -> None:
    at = ask(open_app(), DEV_QUESTION)
    turn = at.session_state[chat.TURNS][0]
    assert turn.answer is not None and not turn.answer.abstained
    first = turn.answer.citations[0]
    assert "<mark" not in html_of(at)  # closed until a marker is clicked
    at.button(key="cite-0-1").click().run()
    page = html_of(at)
    assert f'<mark class="bl-quote">{chat.text_html(first.quote)}</mark>' in page
    assert "950PR" in first.quote
    captions = " ".join(str(c.value) for c in at.caption)
    assert first.source in captions and (first.section or "undated") in captions
    assert any(chat.text_html(first.title) in str(m.value) for m in at.markdown)
    at.button(key="close-0-1").click().run()
    assert "<mark" not in html_of(at)


def test_chat_captions_a_synthesis_kind_but_not_a_lookup(settings: Settings) -> None:
    at = ask(open_app(), "When was the Big Picture Brief last updated?")
    answer = at.session_state[chat.TURNS][0].answer
    assert answer.kind == "metadata" and "Mar 1, 2026" in answer.answer
    assert "Question kind: brief metadata" in " ".join(str(c.value) for c in at.caption)
    at = ask(open_app(), DEV_QUESTION)
    assert not any("Question kind" in str(c.value) for c in at.caption)


def test_chat_abstention_is_its_own_state(settings: Settings) -> None:
    at = ask(open_app(), ABSTAIN_QUESTION)
    answer = at.session_state[chat.TURNS][0].answer
    assert answer.abstained
    assert '<span class="bl-abstain">🛈 The corpus does not say.</span>' in html_of(at)
    assert not [b for b in at.button if b.key and b.key.startswith("cite-")]


def test_chat_brief_filter_restricts_citations(settings: Settings) -> None:
    at = open_app()
    other = next(o for o in at.multiselect(key="flt_docs").options if "Geopolitics" not in o)
    at.multiselect(key="flt_docs").select(other).run()
    ask(at, DEV_QUESTION)
    answer = at.session_state[chat.TURNS][0].answer
    allowed = {v for v in at.multiselect(key="flt_docs").value}
    assert answer.abstained or {c.doc_id for c in answer.citations} <= allowed
    assert all(ctx.doc_id in allowed for ctx in answer.contexts)
    assert "Generator: extractive" in " ".join(str(c.value) for c in at.sidebar.caption)


def test_a_brief_holding_script_tags_shows_them_as_text(settings: Settings) -> None:
    at = ask(open_app(), EVIL_QUESTION)
    answer = at.session_state[chat.TURNS][0].answer
    assert not answer.abstained and answer.citations[0].source.endswith(EVIL_NAME)
    at.button(key="cite-0-1").click().run()
    page = html_of(at)
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "&lt;b&gt;to Lagos&lt;/b&gt;" in page
    assert "<script" not in page and "<b>" not in page


def test_follow_up_is_condensed_and_shown(settings: Settings) -> None:
    at = ask(ask(open_app(), DEV_QUESTION), "And what about its dependence on Nvidia?")
    second = at.session_state[chat.TURNS][1]
    assert second.query != second.question
    assert any("searching:" in str(c.value) for c in at.caption)


def test_model_fallback_note_is_visible(
    make_settings: Callable[..., Settings],
    corpus_copy: Path,
    embedder: SentenceTransformerEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # The stub streams a few tokens, then fails: the extractive answer follows, with the note saying why.
    with serve(Script([("cut", "Huawei's Ascend chips")])) as url:
        built = make_settings(generator="openai", llm_base_url=url, llm_retries=0)
        build_index(built, corpus_copy, embedder)
        export(built, monkeypatch)
        monkeypatch.chdir(tmp_path)
        at = ask(open_app(), DEV_QUESTION)
    answer = at.session_state[chat.TURNS][0].answer
    assert answer is not None and answer.generator == "extractive" and not answer.abstained
    assert answer.notes and "the openai generator failed" in answer.notes[0]
    assert any(answer.notes[0] in str(c.value) for c in at.caption)
    assert f"Generator: openai — reachable at {url}" in " ".join(str(c.value) for c in at.sidebar.caption)
    at.button(key="cite-0-1").click().run()  # the streamed turn's markers work like any other
    assert '<mark class="bl-quote">' in html_of(at)


# --- Library ---


def test_library_lists_uploads_and_deletes(settings: Settings) -> None:
    at = open_app("library")
    rows = at.dataframe[0].value
    assert len(rows) == 3 and (rows["chunks"] > 0).all()
    assert "Top Line" in " ".join(rows["sections"])
    note = b"---\ntitle: Harbour Note\ndate: 2026-02-01\n---\n# Ports\n\nThe harbour of Tema added two cranes.\n"
    at.file_uploader[0].set_value([("../../harbour.md", note, "text/markdown"), (".hidden.md", b"x", "text/markdown")])
    at.run()
    button(at, "Add to the corpus and index").click().run()
    assert not at.exception, at.exception
    assert (settings.corpus_dir / "harbour.md").read_bytes() == note
    assert "1 added" in at.success[0].value
    assert any(".hidden.md" in w.value for w in at.warning)
    rows = at.dataframe[0].value
    assert "Harbour Note" in list(rows["title"]) and len(rows) == 4
    harbour = next(o for o in at.selectbox[0].options if "Harbour Note" in o)
    at.selectbox[0].select(harbour).run()
    at.checkbox(key="library_confirm").check().run()
    at.button(key="library_delete").click().run()
    assert not (settings.corpus_dir / "harbour.md").exists()
    assert "1 removed" in at.success[0].value and len(at.dataframe[0].value) == 3


def test_uploads_never_leave_the_corpus_folder(tmp_path: Path) -> None:
    saved, problems = library.save_uploads(tmp_path / "c", [("../../x.txt", b"a"), ("y.exe", b"b"), ("", b"c")])
    assert saved == [tmp_path / "c" / "x.txt"] and len(problems) == 2


# --- Evaluate ---


def test_evaluate_bundled_dev_set_shows_charts_and_downloads(settings: Settings) -> None:
    at = open_app("evaluate")
    assert at.radio(key="eval_set").value.startswith("Bundled dev questions")
    assert any("12 questions" in str(c.value) for c in at.caption)
    at.button(key="eval_run").click().run()
    assert not at.exception, at.exception
    report = at.session_state[evaluate.REPORT]
    assert report.kind == "questions" and len(report.items) == 12
    assert {m.label for m in at.metric} >= {"citation validity", "abstention accuracy"}
    assert len(at.get("vega_lite_chart")) == 2
    assert [d.label for d in at.get("download_button")] == ["Download report.json", "Download report.html"]
    assert report.metrics["citation_validity"] == 1.0


def test_evaluate_uploaded_summaries_list_unsupported_claims(settings: Settings) -> None:
    at = open_app("evaluate")
    at.radio(key="eval_set").set_value(evaluate.UPLOAD).run()
    line = {
        "id": "s1",
        "source": "The plant produced 40 tons of steel in 2024.",
        "summary": "The plant produced 90 tons of steel in 2024.",
    }
    at.file_uploader(key="eval_upload").set_value(("set.jsonl", json.dumps(line).encode(), "application/json")).run()
    assert any("1 summaries" in str(c.value) for c in at.caption)
    at.button(key="eval_run").click().run()
    claims = at.dataframe[0].value
    assert list(claims["item"]) == ["s1"] and "90 tons" in claims["claim"][0]


def test_evaluate_bad_upload_names_the_line(settings: Settings) -> None:
    at = open_app("evaluate")
    at.radio(key="eval_set").set_value(evaluate.UPLOAD).run()
    bad = b'{"id": "q1", "question": "Who?"}\n{not json}\n'
    at.file_uploader(key="eval_upload").set_value(("bad.jsonl", bad, "application/json")).run()
    assert "bad.jsonl:2: not valid JSON" in at.error[0].value


# --- Small functions ---


def test_highlight_escapes_every_character_of_the_source() -> None:
    text = "Intro <i>x</i> & more. QUOTE <script>alert(1)</script> $5 and $6. " + "tail " * 300
    start = text.index("QUOTE")
    end = text.index(" $5")
    html = highlight(text, start, end, context=40)
    assert '<mark class="bl-quote">QUOTE &lt;script&gt;alert(1)&lt;/script&gt;</mark>' in html
    assert "&lt;i&gt;x&lt;/i&gt; &amp;" in html and "<i>" not in html
    assert "&#36;5" in html and html.endswith("…</div>")  # no $…$ math, and the window is cut
    assert "\n" not in highlight("a\n\nb", 0, 1)


def test_filter_spec_from_sidebar_choices() -> None:
    d1, d2 = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
    spec = chat.filter_spec(["abc"], [d1, d2], "Top Line", d2)
    assert (spec.docs, spec.since, spec.until, spec.section, spec.as_of) == (("abc",), d1, d2, "Top Line", d2)
    assert chat.filter_spec([], [d1], chat.ANY_SECTION, None).since == d1
    assert chat.filter_spec([], [], chat.ANY_SECTION, None).empty


def test_gate_counts_shown_for_model_answers_only() -> None:
    plain = Answer(question="q", answer="a", abstained=False)
    assert chat.gate_counts(plain) == {}
    gated = Answer(question="q", answer="a", abstained=False, generator="local", removed_sentences=2,
                   flagged_sentences=1, dropped_citations=1)  # fmt: skip
    assert chat.gate_counts(gated) == {"removed": 2, "flagged": 1, "citations dropped": 1}


def test_settings_reach_the_ui_process_unchanged(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    original = make_settings(top_k=7, section_decay=0.5, retriever="lexical", api_ingest_roots=(tmp_path,))
    for name, value in launch.settings_env(original).items():
        monkeypatch.setenv(name, value)  # the UI process reads them from its environment
    rebuilt = Settings(_env_file=None)  # type: ignore[call-arg]
    assert rebuilt == original
    command = launch.streamlit_command(8599)
    assert command[command.index("--server.address") + 1] == "127.0.0.1" and str(launch.MAIN) in command


def test_dev_sets_include_the_bundled_questions() -> None:
    sets = evaluate.dev_sets()
    assert any(p.name == "questions.jsonl" and p.parent.name == "data" for p in sets.values())
    assert evaluate.detect_kind('{"id": 1, "sentences": []}') == "summaries"
    assert evaluate.detect_kind('{"id": 1, "question": "q"}') == "questions"


def test_evil_text_fixture_really_holds_markup() -> None:
    assert "<script>" in EVIL_TEXT
