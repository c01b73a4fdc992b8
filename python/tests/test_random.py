"""The Philox port against Random123's known-answer vectors (kat_vectors, philox4x32_10); the rest
of the package is checked against the Swift program by PythonPolicyTests."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from rfm.random import philox4x32  # noqa: E402


def test_philox_known_answers():
    assert philox4x32((0, 0, 0, 0), (0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)
    f = 0xFFFFFFFF
    assert philox4x32((f, f, f, f), (f, f)) == (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)
    assert philox4x32((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0)) == \
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)


if __name__ == "__main__":
    test_philox_known_answers()
    print("philox known answers: ok")
