#!/usr/bin/env python3
"""Face detection: Gatehouse's Rust cascade evaluator against OpenCV's CascadeClassifier.

Runs both with the same cascade XML on the UltraFace sample photos whose faces were counted by
eye, the four ICAO passport specimens (one face each) and generated variants of them (darker,
blurred, half size, rotated, two copies side by side, cropped off-centre), and reports per
variant the detection rate (faces found out of faces there, capped per picture), the pictures
counted exactly, extra detections, the agreement of the two detectors (boxes matched at
IoU >= 0.4 over all boxes either found) and the time per picture of each.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install "opencv-python-headless<5" numpy
    (OpenCV 5 moved CascadeClassifier out of the main package.)
    cargo build --release -p gatehouse-checks --example detect_faces
    /tmp/venv/bin/python bench/faces.py [--shared ../shared/data] [--model FILE]

Both detectors search the picture shrunk to 640 px on its long side, scale factor 1.1,
min neighbours 5, smallest face 5% of the short side (Gatehouse's `[faces]` defaults);
OpenCV runs on one thread, like Gatehouse. Gatehouse's time includes shrinking the working
image and measuring each face; neither includes decoding the file.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BY_EYE = {"13.jpg": 2, "2.jpg": 4, "19.jpg": 5, "23.jpg": 3, "20.jpg": 10, "9.jpg": 8}
SPECIMENS = ["passport-td2.jpg", "passport-td2.png", "passport-td3.jpg", "passport-td3.png"]
MAX_SIDE, SCALE, NEIGHBOURS, MIN_SHARE = 640, 1.1, 5, 0.05


def rotate(img, degrees):
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def variants(img, single):
    """(name, picture, factor on the expected count); None factor means not applicable."""
    h, w = img.shape[:2]
    out = [
        ("original", img, 1),
        ("dark (x0.35)", (img.astype(np.float32) * 0.35).astype(np.uint8), 1),
        ("blurred (sigma 2)", cv2.GaussianBlur(img, (0, 0), 2), 1),
        ("half size", cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA), 1),
        ("rotated 5 deg", rotate(img, 5), 1),
        ("rotated -10 deg", rotate(img, -10), 1),
        ("two side by side", np.hstack([img, img]), 2),
    ]
    if single:
        # The face of a passport sits left of centre: keep the left two thirds and the middle
        # rows, so it lands near a corner of a smaller frame.
        out.append(("cropped off-centre", img[h // 4: h * 7 // 8, : w * 2 // 3].copy(), 1))
    return out


def opencv_detect(classifier, gray):
    h, w = gray.shape
    f = min(1.0, MAX_SIDE / max(h, w))
    small = gray if f >= 1 else cv2.resize(gray, (round(w * f), round(h * f)), interpolation=cv2.INTER_LINEAR)
    min_side = round(min(small.shape) * MIN_SHARE)
    start = time.perf_counter()
    boxes = classifier.detectMultiScale(small, SCALE, NEIGHBOURS, minSize=(min_side, min_side))
    ms = (time.perf_counter() - start) * 1000
    return [[v / f for v in b] for b in (boxes if len(boxes) else [])], ms


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / (aw * ah + bw * bh - inter) if inter else 0.0


def agreement(ours, theirs):
    used, matched = set(), 0
    for a in ours:
        best = max(((iou(a, b), j) for j, b in enumerate(theirs) if j not in used), default=(0, -1))
        if best[0] >= 0.4:
            used.add(best[1])
            matched += 1
    return matched, len(ours) + len(theirs) - matched


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--model", default="/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml")
    ap.add_argument("--binary", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "examples", "detect_faces"))
    args = ap.parse_args()
    cv2.setNumThreads(1)
    classifier = cv2.CascadeClassifier(args.model)
    if classifier.empty():
        sys.exit(f"OpenCV cannot load {args.model}")
    sources = [(os.path.join(args.shared, "models/ultraface/imgs", f), n, False) for f, n in BY_EYE.items()]
    sources += [(os.path.join(args.shared, "images/passporteye-specimens", f), 1, True) for f in SPECIMENS]
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for path, expected, single in sources:
            img = cv2.imread(path)
            if img is None:
                sys.exit(f"missing {path}")
            for i, (name, pic, factor) in enumerate(variants(img, single)):
                out = os.path.join(tmp, f"{os.path.basename(path)}.{i}.png")
                cv2.imwrite(out, pic)
                jobs.append((out, name, expected * factor, pic))
        result = subprocess.run([args.binary, "--model", args.model, *[j[0] for j in jobs]],
                                check=True, capture_output=True, text=True)
        ours = {}
        for line in result.stdout.splitlines():
            d = json.loads(line)
            ours[d["file"]] = d
        for file, name, expected, pic in jobs:
            d = ours[file]
            boxes = [[f["region"][k] for k in ("x", "y", "width", "height")] for f in d["faces"]]
            theirs, cv_ms = opencv_detect(classifier, cv2.cvtColor(pic, cv2.COLOR_BGR2GRAY))
            r = rows.setdefault(name, {"pictures": 0, "faces": 0, "found": 0, "exact": 0, "extra": 0,
                                       "cv_found": 0, "cv_exact": 0, "matched": 0, "union": 0,
                                       "ms": [], "cv_ms": []})
            r["pictures"] += 1
            r["faces"] += expected
            r["found"] += min(len(boxes), expected)
            r["exact"] += len(boxes) == expected
            r["extra"] += max(0, len(boxes) - expected)
            r["cv_found"] += min(len(theirs), expected)
            r["cv_exact"] += len(theirs) == expected
            m, u = agreement(boxes, theirs)
            r["matched"] += m
            r["union"] += u
            r["ms"].append(d["detect_ms"])
            r["cv_ms"].append(cv_ms)
    print(f"model: {os.path.basename(args.model)}")
    print("| variant | pictures | faces | Gatehouse found | exact counts | extra | OpenCV found | OpenCV exact | agreement | Gatehouse ms/picture | OpenCV ms/picture |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    total = {"faces": 0, "found": 0, "cv": 0, "m": 0, "u": 0, "ms": [], "cv_ms": []}
    for name, r in rows.items():
        print(f"| {name} | {r['pictures']} | {r['faces']} | {r['found']} ({100 * r['found'] / r['faces']:.0f}%) "
              f"| {r['exact']}/{r['pictures']} | {r['extra']} | {r['cv_found']} ({100 * r['cv_found'] / r['faces']:.0f}%) "
              f"| {r['cv_exact']}/{r['pictures']} | {100 * r['matched'] / max(1, r['union']):.0f}% "
              f"| {np.median(r['ms']):.1f} | {np.median(r['cv_ms']):.1f} |")
        total["faces"] += r["faces"]
        total["found"] += r["found"]
        total["cv"] += r["cv_found"]
        total["m"] += r["matched"]
        total["u"] += r["union"]
        total["ms"] += r["ms"]
        total["cv_ms"] += r["cv_ms"]
    print(f"| all | | {total['faces']} | {total['found']} ({100 * total['found'] / total['faces']:.0f}%) | | "
          f"| {total['cv']} ({100 * total['cv'] / total['faces']:.0f}%) | | {100 * total['m'] / max(1, total['u']):.0f}% "
          f"| {np.median(total['ms']):.1f} | {np.median(total['cv_ms']):.1f} |")


if __name__ == "__main__":
    main()
