#!/usr/bin/python3
"""Writes test/fixtures/pickle-load/vectors.jsonl: what CPython's pickle.load does with text-like bytes.

Each vector is a short byte string drawn from pickle opcode letters, name
characters, digits, quotes and newlines (the text that reads as protocol 0),
and what Python 3's C unpickler did with it: whether `find_class` was asked
for a global (the first import), and how the load ended. `find_class` is
overridden to record and refuse, so nothing is ever imported or called and
running this is safe; the TypeScript walk (`pickle/load-outcome.ts`) is
checked against these vectors by test/formats/pickle/load-outcome.test.ts.

Run: /usr/bin/python3 scripts/benign/pickle-load-vectors.py [COUNT]
"""
import io
import json
import pickle
import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "pickle-load" / "vectors.jsonl"
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 2500
NOISE = "().0123NIFLSVcipgahstuelbdoKJMRGXUT}]')\"\n  :.abcxyzos_-\x80\x82\x88\x93"
NAME_CHARS = "abcdefos_.:- ()\t\r0123"


def name(rng):
    """A module or attribute line: mostly identifiers, sometimes with the characters text has."""
    if rng.random() < 0.5:
        return rng.choice(["os", "at", "builtins", "collections", "ompute_environment: LOCAL_MACHINE", "pk.", "a..b", ".a", "x y", "torch.nn", "lass Net(nn.Module):", "dog", "OrderedDict", "system", "bird", "", "é"])
    return "".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(0, 8)))


def token(rng):
    """One opcode with an argument of the shape its decoder reads (or a little off it)."""
    kind = rng.random()
    if kind < 0.15:
        return rng.choice("ci") + name(rng) + "\n" + name(rng) + ("\n" if rng.random() < 0.8 else "")
    if kind < 0.25:
        return rng.choice("IFLpg") + rng.choice(["0", "1", "12", "-3", "x", "", " 7", "0x1f", "1_0"]) + "\n"
    if kind < 0.32:
        return rng.choice(["S'a'\n", "S\"b\"\n", "Sa\n", "Vhi\n", "Vcat\n", "Pid\n"])
    if kind < 0.40:
        return rng.choice("qhK") + chr(rng.choice([0, 1, 2, 0x30, 0xc2]))
    if kind < 0.85:
        return rng.choice("()]}NtldasuebRo012.\x85\x86\x88\x93\x82Q")
    return "".join(rng.choice(NOISE) for _ in range(rng.randint(1, 4)))


class Refused(Exception):
    pass


class Recording(pickle.Unpickler):
    def find_class(self, module, name):
        raise Refused(f"{module}\x00{name}")


def run(data):
    try:
        Recording(io.BytesIO(data)).load()
        return {"end": "returned"}
    except Refused as e:
        module, name = str(e).split("\x00")
        return {"end": "find_class", "module": module, "name": name}
    except Exception as e:  # noqa: BLE001 - any other failure of the load is data here
        return {"end": "error", "error": type(e).__name__}


def main():
    rng = random.Random(20240301)
    seeds = [b"cat\ndog\n", b"cat\ndog\nbird\n", b"cpu\n", b"(dp0\n", b"I1\nI2\n", b"hello", b"(1) Introduction\n", b"N.", b"(lp0\nI1\naI2\na.", b"}q\x00(X\x01\x00\x00\x00aq\x01K\x01u."]
    vectors = [s for s in seeds]
    while len(vectors) < COUNT:
        text = "".join(token(rng) for _ in range(rng.randint(1, 6)))
        vectors.append(text.encode("utf-8") if rng.random() < 0.2 else text.encode("latin-1", "replace"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w") as f:
        for v in vectors:
            f.write(json.dumps({"hex": v.hex(), **run(v)}) + "\n")
    print(f"{len(vectors)} vectors in {OUT}")


if __name__ == "__main__":
    main()
