"""Markdown for the conversation view's document: markdown.render_markdown with math on,
and the document's math painter made (or restyled) before HTML holding math goes in."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette, QTextDocument

from gui.widgets import markdown
from gui.widgets.markdown import Rendered


def render(
    document: QTextDocument,
    text: str,
    *,
    dark: bool,
    message_id: int,
    copy_label: str,
    first_code_block: int,
) -> Rendered:
    rendered = markdown.render_markdown(
        text,
        dark=dark,
        message_id=message_id,
        copy_label=copy_label,
        first_code_block=first_code_block,
        math=True,
    )
    if 'src="math:' in rendered.html:
        from gui.widgets.markdown_math_images import ensure_math  # ~8 ms: with the first

        colour = QGuiApplication.palette().color(QPalette.ColorRole.Text)
        ensure_math(document, colour, dark=dark)
    return rendered
