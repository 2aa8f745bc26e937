"""The standard-library reading of ``multipart/form-data`` bodies (web/submissions.py)."""

from __future__ import annotations

from specialmeasures.web.submissions import MAX_PARTS, parse_multipart

TYPE = "multipart/form-data; boundary=XyZ"


def body(*parts: bytes) -> bytes:
    return b"".join(b"--XyZ\r\n" + p + b"\r\n" for p in parts) + b"--XyZ--\r\n"


def test_fields_and_a_file_with_its_bytes_kept() -> None:
    data = "ref,site\r\nR1,ZA3\r\n\r\nstill the file: é".encode()
    fields, files = parse_multipart(body(
        b'Content-Disposition: form-data; name="csrf_token"\r\n\r\ntok',
        b'Content-Disposition: form-data; name="file"; filename="C:\\\\docs\\\\ev.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + data,
    ), TYPE)  # fmt: skip
    assert fields == {"csrf_token": "tok"}
    assert files == {"file": ("ev.csv", data)}


def test_the_first_value_of_a_name_wins_and_parts_are_bounded() -> None:
    many = [f'Content-Disposition: form-data; name="f{i}"\r\n\r\n{i}'.encode()
            for i in range(MAX_PARTS + 10)]  # fmt: skip
    twice = b'Content-Disposition: form-data; name="f0"\r\n\r\nlater'
    fields, _ = parse_multipart(body(*many, twice), TYPE)
    assert len(fields) == MAX_PARTS
    assert fields["f0"] == "0"


def test_a_body_that_is_not_multipart_gives_nothing() -> None:
    assert parse_multipart(b"a=1&b=2", "multipart/form-data") == ({}, {})
    assert parse_multipart(b"", TYPE) == ({}, {})
