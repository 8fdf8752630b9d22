"""The file tools and the helper process that runs them with the tool user's credentials.

- ``confine``: the workspace opened once as a directory descriptor, and every user path resolved
  beneath it (``openat2`` with ``RESOLVE_BENEATH``), never re-opened by path.
- ``files``: read, write, edit, list, glob and grep on those descriptors.
- ``helper``: the process (one per worker) that runs them, as the tool user.
- ``client``: the worker's side of it (``FileHelper``), which never blocks the worker's event loop.
- ``code``: the code intelligence tools (tree-sitter and jedi), run by the same helper.
"""

# The tool families the file helper serves: each module registers its handlers with
# ``worker.tools.files.helper_tool`` when imported (the helper imports them all at start).
HELPER_FAMILIES = (
    "worker.tools.files",
    "worker.tools.code",
    "worker.tools.edits",
    "worker.tools.git",
    "worker.tools.transfers",
)
