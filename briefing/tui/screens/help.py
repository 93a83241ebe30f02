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
            ("/", "search the full text (on the search screen: back to the query)"),
            ("ctrl+z  ctrl+y", "undo, redo: every decision in the brief and in tags.yaml"),
            ("ctrl+s", "save brief.yaml now (every change is saved as you go anyway)"),
            ("ctrl+t", "light or dark colours"),
            ("ctrl+r  f5", "read the store again: others' decisions, counts and lists"),
            ("f1  ?", "this help"),
            ("q", "quit from the main screen; back from the search and source screens"),
            ("ctrl+q", "quit (asks only when brief.yaml could not be saved)"),
        ],
    ),
    (
        "Main screen",
        [
            ("e", "export the memo: Markdown, PDF… and where to write it"),
            ("m", "memo details: title, to, from, date, marking, summary"),
            ("a", "add sources (a file or a folder)"),
            ("v", "the memo preview (a tab below 120 columns)"),
        ],
    ),
    (
        "Themes",
        [
            ("↑ ↓  j k", "move the cursor; the excerpts and the preview follow"),
            ("space  enter", "put the theme in or out of the memo (it keeps its place)"),
            ("shift+↑ ↓  K J", "move the theme up or down (the memo follows the list)"),
            ("+  -", "one more or one fewer excerpt quoted for the theme"),
            ("c", "write the comment that opens the theme's section"),
            ("ctrl+e", "write that comment in your $EDITOR"),
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
            ("+  -", "one more or one fewer excerpt quoted for the theme"),
        ],
    ),
    (
        "Source",
        [
            ("↑ ↓  j k", "from excerpt to excerpt; the right column says why it was tagged"),
            ("e", "correct the source's title, author, outlet or date"),
            ("t", "change the excerpt's themes"),
            ("escape  backspace", "back"),
        ],
    ),
    (
        "Search",
        [
            ("enter", "in the query: search (to the hits when there are some)"),
            ("enter", "on a hit: open it in its source"),
            ("p", "pin it into the theme under the main screen's cursor"),
            ("P", "pin it into a theme you choose"),
            ("/  ctrl+f", "back to the query"),
            ("escape", "back"),
        ],
    ),
    (
        "Dialogs",
        [
            ("ctrl+s", "apply (details, comment, themes of an excerpt)"),
            ("ctrl+e", "the summary or the comment in your $EDITOR"),
            ("o  c", "after an export: open its folder, copy its path"),
            ("a", "decisions in tags.yaml not applied: add their sources again"),
            ("escape", "cancel or close"),
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
