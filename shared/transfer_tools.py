"""Files in and out: the ``upload`` and ``download`` tools, and the URIs that name workspace files.

``upload`` takes base64 content in the call, ``download`` returns an MCP embedded resource (a
``blob``) or, for a file over ``--max-download-bytes``, a ``resource_link`` to fetch with ``GET
/files/<path>``.  Both run in the file helper as the tool user, on descriptors beneath the workspace
(``worker.tools.transfers``), like the file tools.  Larger transfers go outside JSON through the
gateway's ``/files`` endpoint (``gateway.files_http``); the workspace is also MCP resources
(``gateway.resources``).  Both name a file by the same URI: ``file:///`` + its workspace-relative
path, percent-encoded (``resource_uri``); ``path_of_uri`` is its inverse and never yields an
absolute path (the helper's confinement decides what a path may reach).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import quote, unquote_to_bytes

import msgspec
from msgspec import Meta

from shared.tools import READ_ONLY, ToolAnnotations, ToolSpec, output_schema, register

__all__ = [
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "DOWNLOAD",
    "FILES_PREFIX",
    "TRANSFER_TOOL_NAMES",
    "UPLOAD",
    "URI_PREFIX",
    "DownloadArgs",
    "DownloadResult",
    "UploadArgs",
    "UploadResult",
    "files_url",
    "path_of_uri",
    "resource_uri",
]

TRANSFER_TOOL_NAMES = frozenset({"upload", "download"})  # this family's tools

# Base64 makes 8 MiB about 10.7 MiB of JSON, inside the default --max-message-size (16 MiB), and a
# download's blob as large is one message a client can take in.  Larger files go through /files.
DEFAULT_MAX_UPLOAD_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_DOWNLOAD_BYTES = 8 * 1024 * 1024

URI_PREFIX = "file:///"
FILES_PREFIX = "/files/"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PATH_HINT = "relative to the workspace, or absolute inside it"


def resource_uri(path: str | bytes) -> str:
    """The URI of workspace file ``path`` (workspace-relative; "" or "." is the workspace)."""
    return URI_PREFIX + _quoted(path)


def files_url(path: str | bytes) -> str:
    """The gateway's ``/files`` URL path of workspace file ``path``."""
    return FILES_PREFIX + _quoted(path)


def _quoted(path: str | bytes) -> str:
    # surrogateescape: a name that is not UTF-8 keeps its bytes, percent-encoded
    raw = path if isinstance(path, bytes) else path.encode("utf-8", "surrogateescape")
    rel = raw.lstrip(b"/")
    if rel == b".":
        rel = b""
    return quote(rel, safe="/")


def path_of_uri(uri: str) -> bytes:
    """The workspace-relative path a ``file:///`` URI names (bytes: a name need not be UTF-8).  Raises
    ValueError for another scheme or authority, a query or fragment, or a NUL byte.  Leading slashes
    are dropped: URIs are relative to the workspace, so ``file:///etc/passwd`` is the workspace's
    ``etc/passwd``, never the host's."""
    if not uri.startswith(URI_PREFIX):
        raise ValueError(f"not a workspace file URI (they start with {URI_PREFIX!r}): {uri[:100]!r}")
    rest = uri[len(URI_PREFIX):]
    if "?" in rest or "#" in rest:
        raise ValueError("a workspace file URI has no query or fragment (percent-encode ? and # in names)")
    raw = unquote_to_bytes(rest)
    if b"\0" in raw:
        raise ValueError("the URI names a path with a NUL byte")
    return raw.lstrip(b"/") or b"."


def _no_nul(field: str, value: str) -> None:
    if "\0" in value:
        raise ValueError(f"{field} must not contain NUL bytes")


# ---- upload --------------------------------------------------------------------------


class UploadArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    file_path: Annotated[str, Meta(min_length=1, description=f"File to write, {_PATH_HINT}.")]
    content: Annotated[str, Meta(description=(
        "The file's bytes, base64-encoded (standard alphabet, with padding). The decoded size is limited by "
        "the server (--max-upload-bytes); larger files go through PUT /files/<path>."))]
    overwrite: Annotated[bool, Meta(description=(
        "Replace the file if it exists (default true); false refuses, changing nothing."))] = True
    sha256: Annotated[str | None, Meta(description=(
        "The sha256 of the decoded bytes, 64 lowercase hex digits: the upload is refused, changing "
        "nothing, if they do not match."))] = None

    def __post_init__(self) -> None:
        _no_nul("file_path", self.file_path)
        if self.sha256 is not None and not _SHA256.fullmatch(self.sha256):
            raise ValueError("sha256 must be 64 lowercase hex digits")


class UploadResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, Meta(description="The path relative to the workspace.")]
    size: Annotated[int, Meta(description="Bytes written.")]
    sha256: Annotated[str, Meta(description="sha256 of the bytes written, hex.")]
    created: Annotated[bool, Meta(description="The file did not exist before.")]


UPLOAD = register(
    ToolSpec(
        runs_in="helper",
        name="upload",
        title="Upload a file",
        description=(
            "Write a binary (or any) file into the workspace from base64 content, creating missing parent "
            "directories. The file is replaced atomically (a temporary file beside it, renamed over it: readers "
            "see the old or the new file, never a part) and keeps an existing file's permissions. Returns the "
            "size and sha256 of what was written. The size is limited by the server (the error names the "
            "flag); for larger files use the gateway's PUT /files/<path>."
        ),
        input_schema=output_schema(UploadArgs),
        args_type=UploadArgs,
        # changes files in the workspace only; overwrites; a second identical call leaves the same file
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                    open_world_hint=False),
        output_schema=output_schema(UploadResult),
    )
)


# ---- download ------------------------------------------------------------------------


class DownloadArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    file_path: Annotated[str, Meta(min_length=1, description=f"File to download, {_PATH_HINT}.")]
    mode: Annotated[Literal["auto", "embed", "link"], Meta(description=(
        "auto (default): embed the file as a base64 blob when it fits the server's limit "
        "(--max-download-bytes), else return a resource_link; embed: the blob or an error; link: always a "
        "resource_link (fetch it with GET /files/<path>)."))] = "auto"

    def __post_init__(self) -> None:
        _no_nul("file_path", self.file_path)


class DownloadResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, Meta(description="The path relative to the workspace.")]
    size: Annotated[int, Meta(description="The file's size in bytes.")]
    sha256: Annotated[str, Meta(description="sha256 of the file's bytes, hex.")]
    mime_type: Annotated[str, Meta(description="Guessed from the name (application/octet-stream if unknown).")]
    embedded: Annotated[bool, Meta(description=(
        "The content is in the result as an embedded resource's blob; false: a resource_link."))]
    uri: Annotated[str, Meta(description="The file's resource URI (file:/// + its workspace path).")]
    url: Annotated[str, Meta(description="Where the gateway serves it: GET this path (same token).")]


DOWNLOAD = register(
    ToolSpec(
        runs_in="helper",
        name="download",
        title="Download a file",
        description=(
            "Get a file of the workspace, binary-safe: returns it as an MCP embedded resource (a base64 "
            "`blob`) when it fits the server's limit, else a `resource_link` and the URL path to fetch it from "
            "the gateway (GET /files/<path> with the same token). Always gives its size, sha256 and MIME type."
        ),
        input_schema=output_schema(DownloadArgs),
        args_type=DownloadArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(DownloadResult),
    )
)
