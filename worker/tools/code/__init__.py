"""The code intelligence tools (symbols, definition, references, imports, outline), run by the file helper.

- ``languages``: tree-sitter grammars (all loaded at import, before the helper drops its
  credentials), what a parse of one file yields (symbols, imports, identifiers), no file access.
- ``index``: the per-workspace symbol index (lazy, stat-checked, an LRU by bytes) and the
  descriptor-relative walk that finds source files.
- ``python``: jedi for precise Python answers, fed only sources read through descriptors.
- ``tools``: the five handlers, registered with ``worker.tools.files.helper_tool`` on import.
"""

from worker.tools.code import tools as _tools  # noqa: F401  (registers the handlers)
