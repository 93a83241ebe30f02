"""briefing: turn a folder of articles into a sourced briefing memo."""

__version__ = "0.1.0"
