"""Turn the bot's plain French text into each channel's markup.

Bot texts (knowledge/faq answers, agency directory, IJ explanations) are plain text with bare
URLs and line breaks. Sent as is, a "&" or "<" breaks Telegram's HTML parser and Slack's
mrkdwn, and a stray Markdown link or bold would show its raw asterisks and brackets. Every text
is therefore cut into spans (plain, link, bold) once, and each channel renders the spans with
its own escaping.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import List, Optional

# Markdown link [label](url), Markdown bold **text**, or a bare web address.
_TOKEN = re.compile(
    r"\[(?P<label>[^\]\n]+)\]\((?P<md_url>https?://[^\s)]+)\)"
    r"|\*\*(?P<bold>[^*\n]+?)\*\*"
    r"|(?P<url>https?://[^\s<>\"]+)"
)
# Sentence punctuation glued to the end of a bare address is not part of it.
_TRAILING = ".,;:!?'\"»…"


@dataclass(frozen=True)
class Span:
    """A piece of text; a link when `url` is set."""

    text: str
    url: Optional[str] = None
    bold: bool = False


def _split_trailing(url: str) -> tuple[str, str]:
    """The address and the punctuation after it ("https://a.fr)." -> "https://a.fr", ").")."""
    end = len(url)
    while end > 0:
        char = url[end - 1]
        if char in _TRAILING:
            end -= 1
        elif char == ")" and url[:end].count("(") < url[:end].count(")"):
            end -= 1
        else:
            break
    return url[:end], url[end:]


def spans(text: str) -> List[Span]:
    found: List[Span] = []

    def plain(chunk: str) -> None:
        if not chunk:
            return
        if found and found[-1].url is None and not found[-1].bold:
            found[-1] = Span(found[-1].text + chunk)
        else:
            found.append(Span(chunk))

    position = 0
    for match in _TOKEN.finditer(text):
        plain(text[position:match.start()])
        if match.group("md_url"):
            found.append(Span(match.group("label"), url=match.group("md_url")))
        elif match.group("bold"):
            found.append(Span(match.group("bold"), bold=True))
        else:
            url, rest = _split_trailing(match.group("url"))
            if url:
                found.append(Span(url, url=url))
            plain(rest)
        position = match.end()
    plain(text[position:])
    return found


def telegram_html(text: str) -> str:
    """Telegram `parse_mode=HTML`: only &, <, > need escaping; links as <a href>."""
    parts = []
    for span in spans(text):
        body = html.escape(span.text, quote=False)
        if span.url:
            body = f'<a href="{html.escape(span.url, quote=True)}">{body}</a>'
        if span.bold:
            body = f"<b>{body}</b>"
        parts.append(body)
    return "".join(parts)


def slack_escape(text: str) -> str:
    """The three characters Slack reserves for its own markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mrkdwn(text: str) -> str:
    """Slack mrkdwn: escaped text, links as <url> or <url|label>, bold as *text*."""
    parts = []
    for span in spans(text):
        if span.url:
            url = slack_escape(span.url).replace("|", "%7C")
            body = f"<{url}>" if span.text == span.url else f"<{url}|{slack_escape(span.text)}>"
        else:
            body = slack_escape(span.text)
        if span.bold:
            body = f"*{body}*"
        parts.append(body)
    return "".join(parts)


def split_text(text: str, limit: int) -> List[str]:
    """Pieces of at most `limit` characters, cut between paragraphs, else lines, else words.

    Cutting the plain text (before any markup) keeps every link and tag whole.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", " "):
        cut = text.rfind(separator, 0, limit + 1)
        if cut > 0:
            return [text[:cut].strip()] + split_text(text[cut + len(separator):], limit)
    return [text[:limit]] + split_text(text[limit:], limit)
