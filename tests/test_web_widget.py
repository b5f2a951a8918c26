"""The website chat widget (web/, rasa-webchat over Rasa's Socket.IO channel) in a real browser.

Debian's Chromium is driven by Playwright (PyPI package, its bundled driver; no browser
download). The page is served by `serving.web_server` exactly as `make run` does, on the port
whose origin the session's Rasa allows (`LiveStack.web_port`, passed to `--cors`).
Screenshots go to var/test-output/web/.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.live_stack import ROOT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian package chromium absent (/usr/bin/chromium)")

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "var" / "test-output" / "web"
# A bot turn goes through NLU, the action server and the SQL tracker on 2 shared cores.
REPLY_TIMEOUT_MS = 90_000

BOT_MESSAGES = ".rw-messages-container .rw-response"
USER_MESSAGES = ".rw-messages-container .rw-client"
INPUT = "textarea.rw-new-message"
BUTTONS = ".rw-messages-container .rw-reply"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture(scope="module")
def web_base(stack):
    """The widget's static server, started as `make run` starts it, pointing at the stack."""
    log = (stack.workdir / "web.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "serving.web_server", "--host", "127.0.0.1",
         "--port", str(stack.web_port), "--rasa-port", str(stack.rasa_port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{stack.web_port}"
    try:
        deadline = time.time() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"web server exited; see {stack.workdir / 'web.log'}")
            try:
                # config.js names the stack's port: the page is served by this very server.
                with urllib.request.urlopen(f"{base}/config.js", timeout=3) as response:
                    assert f'"rasaPort": {stack.rasa_port}' in response.read().decode("utf-8")
                    break
            except (urllib.error.URLError, OSError):
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, web_base, request):
    """A fresh browser profile (empty localStorage: a new conversation) per test.

    Records every request host so tests can check nothing leaves the machine, and the page's
    errors (exceptions, console errors such as CSP violations or 404s)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1100, "height": 850})
    context.set_default_timeout(REPLY_TIMEOUT_MS)
    page = context.new_page()
    page.requested_hosts = set()
    page.errors = []
    page.on("request", lambda r: page.requested_hosts.add(urlparse(r.url).hostname))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    yield page
    screenshot(page, request.node.name)
    context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.png"
    page.screenshot(path=str(path))
    print(f"capture d'écran : {path}")
    return path


def open_page(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    expect(page.locator(".rw-launcher")).to_be_visible()


def open_widget(page: Page) -> None:
    page.locator(".rw-launcher").first.click()
    expect(page.locator(INPUT)).to_be_visible()
    # The greeting (initPayload) arrives once the socket session is confirmed.
    expect(page.locator(BOT_MESSAGES).first).to_contain_text("Bonjour")


def bot_count(page: Page) -> int:
    return page.locator(BOT_MESSAGES).count()


def wait_reply(page: Page, before: int, pattern: str) -> str:
    """Wait until one of the bot messages after the first `before` matches `pattern` (regex);
    the text of all those new bot messages."""
    page.wait_for_function(
        """([selector, before, pattern]) => Array.from(document.querySelectorAll(selector))
               .slice(before).some((m) => new RegExp(pattern).test(m.innerText))""",
        arg=[BOT_MESSAGES, before, pattern], timeout=REPLY_TIMEOUT_MS)
    return "\n".join(page.locator(BOT_MESSAGES).all_inner_texts()[before:])


def send(page: Page, text: str) -> int:
    """Type `text` and press Enter, as a user does; the bot message count before sending."""
    before = bot_count(page)
    page.locator(INPUT).fill(text)
    page.locator(INPUT).press("Enter")
    expect(page.locator(USER_MESSAGES).last).to_have_text(text)
    return before


def test_page_is_french_labelled_and_local(page, web_base):
    open_page(page, web_base)
    assert page.locator("html").get_attribute("lang") == "fr"
    launcher = page.locator(".rw-launcher")
    expect(launcher).to_have_attribute("aria-label", re.compile("Ouvrir la conversation"))
    open_widget(page)
    expect(page.locator(".rw-launcher")).to_have_attribute("aria-label", re.compile("Fermer la conversation"))
    expect(page.locator(".rw-title")).to_have_text("Assistant des indépendants")
    expect(page.locator(".rw-header")).to_contain_text("Urssaf, Assurance Maladie, retraite")
    expect(page.locator(INPUT)).to_have_attribute("placeholder", "Écrivez votre question…")
    expect(page.locator(INPUT)).to_have_attribute("aria-label", "Votre message à l'assistant")
    expect(page.locator("button.rw-send")).to_have_attribute("aria-label", "Envoyer le message")
    expect(page.locator(".rw-close-button")).to_have_attribute("aria-label", "Fermer la conversation")
    log = page.locator(".rw-messages-container")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")

    before = send(page, "quel est le numéro de l'urssaf ?")
    assert "3698" in wait_reply(page, before, "3698")
    # Everything (page, bundle, socket) came from this machine: no CDN, no web font.
    assert page.requested_hosts == {"127.0.0.1"}
    assert page.errors == []


def test_buttons_are_rendered_clickable_and_links_are_anchors(page, web_base):
    open_page(page, web_base)
    open_widget(page)
    before = send(page, "aide")
    wait_reply(page, before, "Choisissez un thème")
    topic = page.locator(BUTTONS, has_text="Attestations")
    expect(topic).to_have_count(1)
    expect(topic).to_have_attribute("role", "button")
    expect(topic).to_have_attribute("tabindex", "0")

    before = bot_count(page)
    topic.click()
    wait_reply(page, before, "Questions fréquentes — Attestations")

    before = bot_count(page)
    page.locator(BUTTONS, has_text="Quelles attestations, où les obtenir").click()
    text = wait_reply(page, before, "ameli")
    assert "https://www.urssaf.fr" in text
    # Bare URLs in the answer are real links, opened in a new tab.
    link = page.locator(f"{BOT_MESSAGES} a[href='https://www.urssaf.fr']").last
    expect(link).to_have_text("https://www.urssaf.fr")
    expect(link).to_have_attribute("target", "_blank")


def test_sick_pay_calculation_through_the_form(page, web_base):
    open_page(page, web_base)
    open_widget(page)
    before = send(page, "combien je toucherai en arrêt maladie ?")
    wait_reply(page, before, "Quel est votre statut")
    before = bot_count(page)
    page.locator(BUTTONS, has_text="Artisan").click()
    wait_reply(page, before, "revenu annuel moyen")
    before = send(page, "30 000 €")
    text = wait_reply(page, before, "Indemnités journalières estimées")
    assert re.search(r"estimées : \d+,\d\d € brut par jour", text), text


def test_conversation_survives_a_reload(page, web_base, stack):
    # From http://localhost too: Rasa allows both origins of the page (--cors).
    open_page(page, web_base.replace("127.0.0.1", "localhost"))
    open_widget(page)
    before = send(page, "quel est le numéro de l'urssaf ?")
    wait_reply(page, before, "3698")
    session_id = page.evaluate("() => JSON.parse(localStorage.getItem('chat_session')).session_id")
    assert session_id

    page.reload()
    expect(page.locator(".rw-launcher")).to_be_visible()
    if not page.locator(INPUT).is_visible():
        page.locator(".rw-launcher").first.click()
    # The same messages are shown again, without a new greeting round-trip.
    expect(page.locator(USER_MESSAGES).first).to_have_text("quel est le numéro de l'urssaf ?")
    expect(page.locator(BOT_MESSAGES).filter(has_text="3698")).to_have_count(1)
    assert page.evaluate("() => JSON.parse(localStorage.getItem('chat_session')).session_id") == session_id

    # And the conversation goes on in the same Rasa conversation (session_persistence).
    before = send(page, "aide")
    wait_reply(page, before, "Choisissez un thème")
    expect(page.locator(BOT_MESSAGES).filter(has_text="Bonjour")).to_have_count(1)  # no new session
    said = [e["text"] for e in stack.tracker(session_id)["events"] if e["event"] == "user"]
    assert "quel est le numéro de l'urssaf ?" in said and "aide" in said, said


def test_user_text_is_never_html(page, web_base):
    open_page(page, web_base)
    open_widget(page)
    before = send(page, XSS)  # `send` checks the message is shown literally, as text
    wait_reply(page, before, ".")  # the bot answered: the message went through the socket
    assert page.evaluate("() => window.__xss") is None
    widget = page.locator(".rw-messages-container")
    expect(widget.locator("img[src='x']")).to_have_count(0)
    expect(widget.locator("script")).to_have_count(0)
    assert XSS in widget.inner_text()


def test_keyboard_only(page, web_base):
    open_page(page, web_base)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className").startswith("rw-launcher")
    page.keyboard.press("Enter")
    expect(page.locator(INPUT)).to_be_focused()  # opening the chat puts the focus in the input
    expect(page.locator(BOT_MESSAGES).first).to_contain_text("Bonjour")

    # From anywhere on the page, Tab reaches the input.
    page.locator("h1").click()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.locator(INPUT).evaluate("i => i === document.activeElement"):
            break
    expect(page.locator(INPUT)).to_be_focused()
    before = bot_count(page)
    page.keyboard.type("aide")
    page.keyboard.press("Enter")
    wait_reply(page, before, "Choisissez un thème")

    # The bot's buttons are in the Tab order (Shift+Tab from the input), Enter chooses one.
    target = page.locator(BUTTONS, has_text="Santé")
    page.locator(INPUT).focus()
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        if target.evaluate("b => b === document.activeElement"):
            break
    expect(target).to_be_focused()
    # The focus is visible (the widget's own CSS removes outlines; web/widget.css restores them).
    assert target.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
    screenshot(page, "test_keyboard_only_button_focus")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_reply(page, before, "Questions fréquentes — Santé")
