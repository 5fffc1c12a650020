#!/usr/bin/env python3
"""MRZ reading from photos: Gatehouse's reader against PassportEye on the same images.

Images and expectations: ../shared/data/images (index.json; the number at the start of a
testdata file name is PassportEye's own score when the file was added). Both readers' text is
judged by one parser, PassportEye's `MRZ.from_ocr`, so "valid" means the same for both: every
check digit passes and every line has its format's length. Fields are compared with
index.json's `expected_fields` where it has them (the ICAO specimens).

PassportEye (PyPI `passporteye`, which runs Debian's `tesseract-ocr`) is installed into a
virtual environment by this script; Gatehouse's reader runs as the release build of the
`mrz_read` example of gatehouse-checks (one process for all images, each image timed from
file to result, decoding included). Each reader reads every image `--repeat` times; an image's
time is its median, and the report gives the median over images.

    python3 bench/mrz_read.py [--repeat 3] [--json out.json]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("GATEHOUSE_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
IMAGES = os.path.join(DATA, "images")
VENV = os.environ.get("GATEHOUSE_BENCH_VENV", "/tmp/gatehouse-bench-venv")
PASSPORTEYE = "passporteye==2.2.2"
FIELDS = ["type", "country", "number", "date_of_birth", "expiration_date", "nationality",
          "sex", "names", "surname", "personal_number"]


def ensure_tools():
    if shutil.which("tesseract") is None:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(["apt-get", "install", "-y", "-qq", "tesseract-ocr"], check=True)
        else:
            sys.exit("PassportEye needs Debian's tesseract-ocr: apt-get install tesseract-ocr")
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    ok = subprocess.run([py, "-c", "import passporteye"], capture_output=True).returncode == 0
    if not ok:
        subprocess.run([py, "-m", "pip", "install", "-q", PASSPORTEYE], check=True)
    return py


# Runs inside the venv: reads each image with PassportEye, prints one JSON line per image.
PE_RUNNER = r"""
import json, sys, time, statistics
from passporteye import read_mrz
repeat = int(sys.argv[1])
for path in sys.argv[2:]:
    times, mrz = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        mrz = read_mrz(path)
        times.append((time.perf_counter() - t) * 1000)
    text = None
    if mrz is not None:
        text = mrz.aux.get("text") if hasattr(mrz, "aux") else None
    print(json.dumps({"file": path, "ms": statistics.median(times),
                      "text": text if mrz is not None else None}), flush=True)
"""

# Runs inside the venv: judges MRZ text with PassportEye's parser.
JUDGE = r"""
import json, sys
from passporteye.mrz.text import MRZ
for line in sys.stdin:
    text = json.loads(line)
    if not text:
        print(json.dumps(None)); continue
    m = MRZ.from_ocr(text)
    d = m.to_dict()
    print(json.dumps({"type": m.mrz_type, "checks": all(m.valid_check_digits),
                      "lengths": all(m.valid_line_lengths), "valid": bool(m.valid),
                      "fields": {k: d.get(k) for k in %r}}))
""" % (FIELDS,)


def judge(py, texts):
    inp = "\n".join(json.dumps(t) for t in texts) + "\n"
    out = subprocess.run([py, "-c", JUDGE], input=inp, capture_output=True, text=True,
                         check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json")
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(IMAGES, "index.json")):
        print(f"no images at {IMAGES}", file=sys.stderr)
        return 2
    index = json.load(open(os.path.join(IMAGES, "index.json")))
    files = [os.path.join(IMAGES, e["file"]) for e in index]
    py = ensure_tools()

    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "gatehouse-checks",
                        "--example", "mrz_read"], cwd=ROOT, check=True)
    gh_bin = os.path.join(target, "release", "examples", "mrz_read")

    gh_times = {f: [] for f in files}
    gh_text = {}
    for _ in range(args.repeat):
        out = subprocess.run([gh_bin] + files, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            r = json.loads(line)
            gh_times[r["file"]].append(r["elapsed_ms"])
            gh_text[r["file"]] = "\n".join(r["lines"]) if r.get("lines") else None

    pe = {}
    proc = subprocess.run([py, "-c", PE_RUNNER, str(args.repeat)] + files, capture_output=True,
                          text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        pe[r["file"]] = r

    gh_judged = judge(py, [gh_text.get(f) for f in files])
    pe_judged = judge(py, [pe[f]["text"] for f in files])

    rows = []
    summary = {}
    for name, judged, times in (
        ("gatehouse", gh_judged, [statistics.median(gh_times[f]) for f in files]),
        ("passporteye", pe_judged, [pe[f]["ms"] for f in files]),
    ):
        valid = fields_known = fields_equal = 0
        for e, j in zip(index, judged):
            ok = bool(j and j["checks"] and j["lengths"])
            valid += ok
            exp = e.get("expected_fields")
            if exp:
                fields_known += 1
                same = bool(j) and all(
                    (j["fields"].get(k) or "").rstrip("<") == (exp.get(k) or "").rstrip("<")
                    for k in FIELDS if k in exp)
                fields_equal += same
        summary[name] = {"images": len(files), "valid": valid,
                         "fields_equal": f"{fields_equal}/{fields_known}",
                         "median_ms": round(statistics.median(times), 1),
                         "mean_ms": round(statistics.mean(times), 1)}
    agree = 0
    both = 0
    for f, g, p in zip(files, gh_judged, pe_judged):
        gv = bool(g and g["checks"] and g["lengths"])
        pv = bool(p and p["checks"] and p["lengths"])
        rows.append({"file": os.path.relpath(f, IMAGES), "gatehouse_valid": gv,
                     "passporteye_valid": pv, "gatehouse_ms": round(statistics.median(gh_times[f]), 1),
                     "passporteye_ms": round(pe[f]["ms"], 1),
                     "gatehouse_number": g and g["fields"]["number"],
                     "passporteye_number": p and p["fields"]["number"]})
        if gv and pv:
            both += 1
            agree += g["fields"] == p["fields"]
    summary["both_valid_and_identical_fields"] = f"{agree}/{both}"

    w = max(len(r["file"]) for r in rows)
    print(f"{'image':<{w}}  gatehouse        passporteye")
    for r in rows:
        print(f"{r['file']:<{w}}  {'valid' if r['gatehouse_valid'] else '-----'} {r['gatehouse_ms']:7.1f} ms"
              f"  {'valid' if r['passporteye_valid'] else '-----'} {r['passporteye_ms']:7.1f} ms")
    print(json.dumps(summary, indent=1))
    if args.json:
        json.dump({"summary": summary, "images": rows}, open(args.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
