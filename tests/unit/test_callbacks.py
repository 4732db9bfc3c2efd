from hypothesis import given
from hypothesis import strategies as st

from bot import callbacks


def test_round_trip() -> None:
    for record in (callbacks.Menu("help"), callbacks.SetLanguage("en")):
        assert callbacks.decode(callbacks.encode(record)) == record


def test_malformed_and_forged_data_decode_to_none() -> None:
    for data in ("", None, "m", "m:", "m:nope", "m:help:extra", "lang:fr", "zz:1", "x" * 65):
        assert callbacks.decode(data) is None


@given(st.text(max_size=80))
def test_decode_never_crashes(data: str) -> None:
    callbacks.decode(data)
