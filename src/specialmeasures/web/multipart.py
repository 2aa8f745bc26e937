"""Reading a ``multipart/form-data`` body (a form with a file) with the standard library.

The app has no multipart dependency: the one form that sends a file (the evidence CSV upload)
is small, bounded by the request size limit (``BodyLimitMiddleware``), and read whole before it
is parsed here with :mod:`email`'s MIME parser.
"""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message
from email.policy import HTTP

__all__ = ["MAX_PARTS", "Upload", "parse_multipart"]

#: Parts beyond this many are ignored (a form here has a handful of fields and one file).
MAX_PARTS = 50

#: An uploaded file: its name as the browser sent it (the last path segment) and its bytes.
Upload = tuple[str, bytes]


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, Upload]]:
    """The text fields and the files of a multipart body (first value of each name wins)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = message_from_bytes(head + body, policy=HTTP)
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    if not message.is_multipart():
        return fields, files
    parts = message.get_payload()
    assert isinstance(parts, list)
    for part in parts[:MAX_PARTS]:
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in fields or name in files:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename.replace("\\", "/").rsplit("/", 1)[-1][:300], data)
        else:
            fields[name] = data.decode("utf-8", "replace")
    return fields, files
