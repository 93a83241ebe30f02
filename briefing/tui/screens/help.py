"""The help screen: every key, grouped by where it works."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    (
        "Everywhere",
        [
            ("ctrl+p", "command palette: every action by name"),
            ("ctrl+s", "save the brief (brief.yaml)"),
            ("/", "search the full text"),
            ("m", "memo details: title, to, from, date, marking, summary"),
            ("a", "add sources (a file or a folder)"),
            ("ctrl+t", "light or dark theme"),
            ("f1  ?", "this help"),
            ("q  ctrl+q", "quit (asks when there are unsaved changes)"),
        ],
    ),
    (
        "Themes",
        [
            ("↑ ↓  j k", "move the cursor; the excerpts follow"),
            ("space  enter", "put the theme in or out of the memo"),
            ("shift+↑ ↓  K J", "move the theme up or down in the memo"),
            ("c", "write the comment that opens the theme's section"),
            ("r", "review excerpts suggested for the theme: y accept, n reject (learns at once)"),
            ("tab", "go to the excerpts"),
        ],
    ),
    (
        "Excerpts",
        [
            ("i", "include: in the memo (pins it when the memo would leave it out)"),
            ("x", "exclude from the memo"),
            ("p", "pin (always in the memo, in pin order) or unpin"),
            ("shift+↑ ↓  K J", "move a pinned excerpt up or down"),
            ("t", "change the excerpt's themes by hand (kept in tags.yaml)"),
            ("enter  o", "read it in its source"),
            ("v", "the memo preview (a tab below 120 columns)"),
        ],
    ),
    (
        "Source",
        [
            ("↑ ↓", "from excerpt to excerpt; the right column says why it was tagged"),
            ("e", "correct the source's title, author, outlet or date"),
            ("t", "change the excerpt's themes"),
            ("escape", "back"),
        ],
    ),
    (
        "Search",
        [
            ("enter", "open the hit in its source"),
            ("p", "pin it into the theme under the main screen's cursor"),
            ("P", "pin it into a theme you choose"),
        ],
    ),
]

STATES = "★ pinned   ✓ included (in the memo now)   · proposed   ✗ excluded"


class HelpScreen(ModalScreen[None]):
    """Lists the keys; the footer shows only the ones that apply where the focus is."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help-dialog"):
            yield Static("Keys", classes="dialog-title")
            yield Static(STATES, classes="dialog-hint")
            for group, keys in KEYS:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", width=16)
                table.add_column()
                for key, what in keys:
                    table.add_row(key, what)
                yield Static(group, classes="help-group")
                yield Static(table)
