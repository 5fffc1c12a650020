#!/usr/bin/env python3
"""Calibration of the image checks: clean document photos and degraded variants with known
defects, run through `gatehouse inspect image`, with the rate of every reason code per variant.

    python3 bench/image_calibration.py [--images DIR] [--gatehouse target/release/gatehouse]
    python3 bench/image_calibration.py --sweep    # each defect at several strengths
    python3 bench/image_calibration.py --realistic  # clean documents as phones photograph them

The clean set is every picture under DIR (default ../shared/data/images); each variant is made
from each clean picture here, with OpenCV, and written without metadata. The script needs
numpy and opencv-python-headless (bench/images.py installs both into a virtualenv).
"""
import argparse
import collections
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import cv2
import numpy as np

# What each variant must raise (any one of the codes), and what it must not.
EXPECT = {
    "clean": set(),
    "rotated_90": set(),
    "on_table": set(),
    "uneven_light": set(),
    "on_table_uneven": set(),
    "on_table_tilted": set(),
    "upside_down": set(),
    "blur": {"IMAGE_BLURRY"},
    "motion_blur": {"IMAGE_BLURRY"},
    "blur_noisy": {"IMAGE_BLURRY"},
    "noisy": set(),
    "low_quality_jpeg": set(),
    "dark": {"IMAGE_TOO_DARK"},
    "overexposed": {"IMAGE_OVEREXPOSED"},
    "glare": {"IMAGE_GLARE"},
    "dim": set(),
    "dim_glare": {"IMAGE_GLARE"},
    "on_table_glare": {"IMAGE_GLARE"},
    "grayscale": {"IMAGE_BLACK_AND_WHITE"},
    "tiny": {"IMAGE_TOO_SMALL"},
    "cropped_corner": {"DOCUMENT_CUT_OFF"},
    "on_table_cut": {"DOCUMENT_CUT_OFF"},
    "on_table_cut_uneven": {"DOCUMENT_CUT_OFF"},
    "finger_on_corner": {"DOCUMENT_CUT_OFF"},
    "on_table_small": {"DOCUMENT_TOO_SMALL"},
    "blank_table": {"DOCUMENT_NOT_FOUND"},
    "screen_moire": {"PHOTO_OF_SCREEN"},
}
# Codes about the photo itself; the metadata codes (IMAGE_EDITED) describe the source files.
PHOTO_CODES = {
    "IMAGE_TOO_SMALL", "IMAGE_BLURRY", "IMAGE_GLARE", "IMAGE_TOO_DARK", "IMAGE_OVEREXPOSED",
    "IMAGE_BLACK_AND_WHITE", "DOCUMENT_NOT_FOUND", "DOCUMENT_CUT_OFF", "DOCUMENT_TOO_SMALL",
    "PHOTO_OF_SCREEN", "SCREENSHOT",
}


def table(h, w, seed):
    rng = np.random.default_rng(seed)
    base = np.zeros((h, w, 3), np.float32)
    base[:] = (70, 100, 130)  # BGR: a brown desk
    grain = cv2.GaussianBlur(rng.normal(0, 18, (h, w)).astype(np.float32), (0, 0), 6)
    base += grain[..., None]
    return np.clip(base, 0, 255).astype(np.uint8)


def place(img, frame_w, frame_h, scale, cx, cy, seed):
    bg = table(frame_h, frame_w, seed)
    h, w = img.shape[:2]
    nw, nh = int(w * scale), int(h * scale)
    small = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA)
    x0, y0 = int(cx - nw / 2), int(cy - nh / 2)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(frame_w, x0 + nw), min(frame_h, y0 + nh)
    bg[dy0:dy1, dx0:dx1] = small[sy0:sy0 + (dy1 - dy0), sx0:sx0 + (dx1 - dx0)]
    return bg


def screen_photo(img):
    """The picture shown on an RGB-stripe display and photographed: each pixel becomes three
    coloured sub-pixel columns, and the camera resamples that grid slightly rotated and at a
    scale that does not match it, which is what makes moiré."""
    h, w = img.shape[:2]
    big = cv2.resize(img, (w * 3, h * 3), interpolation=cv2.INTER_NEAREST).astype(np.float32)
    stripes = np.zeros_like(big)
    for channel, bgr_index in ((0, 2), (1, 1), (2, 0)):  # R, G, B columns
        stripes[:, channel::3, bgr_index] = 1.0
    shown = big * stripes * 2.2
    rot = cv2.getRotationMatrix2D((w * 1.5, h * 1.5), 2.0, 1.0)
    shown = cv2.warpAffine(shown, rot, (w * 3, h * 3))
    photo = cv2.resize(shown, (int(w * 1.07), int(h * 1.07)), interpolation=cv2.INTER_LINEAR)
    return np.clip(photo, 0, 255).astype(np.uint8)


def finger(photo, corner_xy, seed):
    """A finger over the document's corner at `corner_xy`, reaching in from the frame's
    nearest bottom corner: a skin-toned capsule, shaded across, with a paler nail at its tip."""
    h, w = photo.shape[:2]
    rng = np.random.default_rng(seed + 900)
    cx, cy = corner_xy
    width = max(8, int(min(h, w) * 0.09))
    # From outside the frame (below it, towards the nearer side) to just past the corner.
    side = -1 if cx < w / 2 else 1
    start = (cx + side * width * 3, h + width)
    # Through the corner, reaching a little past it onto the document.
    ux, uy = cx - start[0], cy - start[1]
    norm = np.hypot(ux, uy)
    tip = (cx + ux / norm * width * 1.3, cy + uy / norm * width * 1.3)
    tone = np.array([120, 150, 205], np.float32) * rng.uniform(0.8, 1.1)  # BGR skin
    out = photo.astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ax, ay = start
    bx, by = tip
    dx, dy = bx - ax, by - ay
    t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    dist = np.hypot(xx - (ax + t * dx), yy - (ay + t * dy))
    inside = dist < width / 2
    shade = 1.0 - 0.35 * (dist / (width / 2)) ** 2
    skin = tone[None, None, :] * shade[..., None]
    nail = (t > 0.85) & (dist < width * 0.3)
    skin[nail] = skin[nail] * 0.6 + 255 * 0.4
    out[inside] = skin[inside]
    return np.clip(out, 0, 255).astype(np.uint8)


def tilted(photo, degrees, seed):
    """The desk photo turned by `degrees` about its centre, the corners it uncovers filled with
    the same desk (the document stays inside the frame)."""
    h, w = photo.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    desk = table(h, w, seed + 500)
    turned = cv2.warpAffine(photo, rot, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                            borderValue=(0, 0, 0))
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), rot, (w, h), borderValue=0)
    return np.where(mask[..., None] > 0, turned, desk)


def side_light(img, seed):
    """Light falling across the photo from one side, as from a window: brightness from 0.8 to
    1.2 of the original from edge to edge along the light's direction (which the seed picks),
    0.72 to 1.28 corner to corner when it falls diagonally."""
    h, w = img.shape[:2]
    angle = np.random.default_rng(seed + 1000).uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w]
    t = np.cos(angle) * (xx / w - 0.5) + np.sin(angle) * (yy / h - 0.5)
    return np.clip(img.astype(np.float32) * (1 + 0.4 * t)[..., None], 0, 255).astype(np.uint8)


def motion(img, length, degrees):
    """A hand moving while the shutter is open: `img` averaged along a line of `length` pixels
    at `degrees` from the horizontal."""
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), degrees, 1.0)
    k = cv2.warpAffine(k, rot, (length, length))
    return cv2.filter2D(img, -1, k / k.sum())


def noise(img, sigma, seed):
    """Sensor noise of standard deviation `sigma`, as in a photo taken in low light."""
    rng = np.random.default_rng(seed + 2000)
    return np.clip(img.astype(np.float32) + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def dim(img, seed):
    """The brightness a phone gives a page: the scan at 0.82 (white paper near 210 instead of
    at clipping) with light sensor noise."""
    return noise(np.clip(img.astype(np.float32) * 0.82, 0, 255).astype(np.uint8), 3, seed)


def spot(img, radius, amplitude, cx=0.6, cy=0.45):
    """A Gaussian highlight of `radius` (share of the short side) centred at (cx, cy)."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    r = min(h, w) * radius
    light = np.exp(-(((xx - w * cx) ** 2 + (yy - h * cy) ** 2) / (2 * r * r)))[..., None]
    return np.clip(img.astype(np.float32) + light * amplitude, 0, 255).astype(np.uint8)


# JPEG quality of each variant's file (92 where not given).
QUALITY = {"low_quality_jpeg": 25}


def variants(img, seed):
    h, w = img.shape[:2]
    long = max(h, w)
    out = {"rotated_90": cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)}
    out["blur"] = cv2.GaussianBlur(img, (0, 0), long / 220)
    out["dark"] = np.clip(img.astype(np.float32) * 0.22, 0, 255).astype(np.uint8)
    out["overexposed"] = np.clip(img.astype(np.float32) * 1.7 + 90, 0, 255).astype(np.uint8)
    out["motion_blur"] = motion(img, max(3, long // 60), 20)
    out["blur_noisy"] = noise(cv2.GaussianBlur(img, (0, 0), long / 220), 8, seed)
    out["noisy"] = noise(img, 10, seed)
    out["low_quality_jpeg"] = img
    out["glare"] = spot(img, 0.14, 420)
    out["dim"] = dim(img, seed)
    out["dim_glare"] = spot(out["dim"], 0.14, 420)
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    out["grayscale"] = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    f = 200 / long
    out["tiny"] = cv2.resize(img, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    out["cropped_corner"] = img[: int(h * 0.75), : int(w * 0.75)]
    fw, fh = int(long * 1.5), int(long * 1.5 * 0.75)
    out["on_table"] = place(img, fw, fh, fw * 0.7 / w, fw / 2, fh / 2, seed)
    out["on_table_cut"] = place(img, fw, fh, fw * 0.7 / w, fw * 0.68, fh * 0.62, seed)
    out["on_table_small"] = place(img, fw, fh, fw * 0.25 / w, fw / 2, fh / 2, seed)
    out["blank_table"] = table(fh, fw, seed)
    out["upside_down"] = cv2.rotate(img, cv2.ROTATE_180)
    doc_w, doc_h = int(w * fw * 0.7 / w), int(h * fw * 0.7 / w)
    corner = (fw / 2 - doc_w / 2, fh / 2 + doc_h / 2) if seed % 2 else (fw / 2 + doc_w / 2, fh / 2 + doc_h / 2)
    out["finger_on_corner"] = finger(out["on_table"], corner, seed)
    out["on_table_glare"] = spot(out["on_table"], 0.10, 420)
    out["on_table_tilted"] = tilted(out["on_table"], 12 if seed % 2 else -12, seed)
    out["uneven_light"] = side_light(img, seed)
    out["on_table_uneven"] = side_light(out["on_table"], seed)
    out["on_table_cut_uneven"] = side_light(out["on_table_cut"], seed)
    out["screen_moire"] = screen_photo(img)
    return out


def sweep_variants(img, seed):
    """Each defect at several strengths (`--sweep`): where detection starts."""
    h, w = img.shape[:2]
    long = max(h, w)
    out = {}
    for d in (800, 500, 350, 220):
        out[f"blur sigma=long/{d}"] = cv2.GaussianBlur(img, (0, 0), long / d)
    for d in (100, 60, 40):
        out[f"motion length=long/{d}"] = motion(img, max(3, long // d), 20)
    out["blur long/350 + noise 5"] = noise(cv2.GaussianBlur(img, (0, 0), long / 350), 5, seed)
    for f in (0.45, 0.35, 0.28):
        out[f"dark x{f}"] = np.clip(img.astype(np.float32) * f, 0, 255).astype(np.uint8)
    for a, b in ((1.3, 50), (1.5, 70)):
        out[f"overexposed x{a}+{b}"] = np.clip(img.astype(np.float32) * a + b, 0, 255).astype(np.uint8)
    for r in (0.06, 0.10, 0.20):
        out[f"glare radius={r}"] = spot(img, r, 420)
    out["glare radius=0.20 dim"] = spot(dim(img, seed), 0.20, 420)
    out["glare radius=0.14 soft"] = spot(img, 0.14, 250)
    out["glare radius=0.12 low left"] = spot(img, 0.12, 420, 0.2, 0.75)
    return out


def vignette(img, strength=0.25):
    """A phone lens's light fall-off: the corners at 1 - `strength` of the centre."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) / 0.5
    return np.clip(img.astype(np.float32) * (1 - strength * r2)[..., None], 0, 255).astype(np.uint8)


def shadow(img, seed, share=0.33, depth=0.55):
    """The phone's (or the hand's) shadow over `share` of the picture from one side (which the
    seed picks), darkening it to `depth`, with a soft edge."""
    h, w = img.shape[:2]
    side = seed % 4
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = [xx / w, 1 - xx / w, yy / h, 1 - yy / h][side]
    soft = 0.04
    cover = np.clip((share - t) / soft + 0.5, 0, 1)
    return np.clip(img.astype(np.float32) * (1 - (1 - depth) * cover)[..., None], 0, 255).astype(np.uint8)


def checked_cloth(h, w, seed, white_lines=False):
    """A table cloth of green and blue checks, with thin white lines between them (gingham)
    if `white_lines`."""
    rng = np.random.default_rng(seed + 3000)
    cell = int(rng.integers(14, 40))
    yy, xx = np.mgrid[0:h, 0:w]
    yy, xx = yy + rng.integers(cell), xx + rng.integers(cell)  # where the frame cuts the pattern
    checks = ((xx // cell) + (yy // cell)) % 2 == 0
    out = np.where(checks[..., None], np.array([90, 140, 60], np.uint8), np.array([150, 90, 40], np.uint8))
    if white_lines:
        out[((xx % cell) < 2) | ((yy % cell) < 2)] = (220, 220, 220)
    return noise(out.astype(np.uint8), 4, seed)


def cluttered(h, w, seed):
    """The brown desk with coloured objects (a mug, a notebook, a pen) near the edges."""
    rng = np.random.default_rng(seed + 4000)
    desk = table(h, w, seed)
    for _ in range(5):
        bw, bh = int(rng.uniform(0.06, 0.16) * w), int(rng.uniform(0.06, 0.2) * h)
        edge = rng.integers(4)
        x = int(rng.uniform(0, 0.14) * w) if edge == 0 else int(w - bw - rng.uniform(0, 0.14) * w) if edge == 1 else int(rng.uniform(0, w - bw))
        y = int(rng.uniform(0, 0.14) * h) if edge == 2 else int(h - bh - rng.uniform(0, 0.14) * h) if edge == 3 else int(rng.uniform(0, h - bh))
        desk[y:y + bh, x:x + bw] = rng.integers(30, 230, 3)
    return desk


def keystone(img, seed):
    """The picture taken at an angle: its top edge narrower than its bottom by a tenth."""
    h, w = img.shape[:2]
    d = w * 0.05
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[d, 0], [w - d, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    desk = table(h, w, seed + 600)
    warped = cv2.warpPerspective(img, m, (w, h))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (w, h))
    return np.where(mask[..., None] > 0, warped, desk)


def realistic_variants(img, seed):
    """Clean documents as phones photograph them (`--realistic`): none should raise a photo
    code but the one marked. The desk photo is at a phone's brightness with a lens's fall-off; the others change
    one thing about it."""
    h, w = img.shape[:2]
    long = max(h, w)
    fw, fh = int(long * 1.5), int(long * 1.5 * 0.75)
    scale = fw * 0.7 / w
    doc = cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)

    def on(background, cx=0.5, cy=0.5):
        out = background.copy()
        dh, dw = doc.shape[:2]
        y0, x0 = int(fh * cy - dh / 2), int(fw * cx - dw / 2)
        sy, sx = max(0, -y0), max(0, -x0)
        y0, x0 = max(0, y0), max(0, x0)
        y1, x1 = min(fh, y0 + dh - sy), min(fw, x0 + dw - sx)
        out[y0:y1, x0:x1] = doc[sy:sy + y1 - y0, sx:sx + x1 - x0]
        return vignette(dim(out, seed))

    desk = on(table(fh, fw, seed))
    # Working pixels: the checks shrink the picture's long side to 1024.
    working = min(1.0, 1024 / fw)
    warm = desk.astype(np.float32) * np.array([0.78, 0.95, 1.08], np.float32)
    return {
        "phone_desk": desk,
        "phone_desk_shadow": shadow(desk, seed),
        "phone_scan_shadow": shadow(vignette(dim(img, seed)), seed),
        "phone_checked_cloth": on(checked_cloth(fh, fw, seed)),
        "phone_gingham_cloth": on(checked_cloth(fh, fw, seed, white_lines=True)),
        "phone_cluttered_desk": on(cluttered(fh, fw, seed)),
        "phone_keystone": keystone(desk, seed),
        "phone_warm_light": np.clip(warm, 0, 255).astype(np.uint8),
        "phone_soft_1px": cv2.GaussianBlur(desk, (0, 0), 1.0 / working),
        # The one variant that must raise DOCUMENT_CUT_OFF: a pale grey desk, near the paper
        # in colour, and the document running off the right and bottom of the frame.
        "phone_grey_desk_cut (must cut)": on(noise(np.full((fh, fw, 3), (150, 152, 152), np.uint8), 4, seed),
                                             0.68, 0.62),
    }


METRICS = []


def num(value):
    return "-" if value is None else f"{value:.2f}"


def inspect(gatehouse, path, label=""):
    run = subprocess.run([gatehouse, "inspect", "image", "--kind", "document", str(path)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return {"UNREADABLE"}
    out = json.loads(run.stdout)
    m = out["metrics"]
    e, s, d = m["exposure"], m["sharpness"], m["document"]
    METRICS.append(f"{label:40} mean={e['mean']:5.1f} p05={e['p05']:3} p95={e['p95']:3} "
                   f"clip={e['clipped_white']:.3f} edge={s['edge_ratio']:.3f} "
                   f"colour={m['colourfulness']:5.1f} cover={d['coverage']:.2f} "
                   f"struct={d['structure']:.2f} cut={','.join(d['cut_sides']) or '-'} "
                   f"glare={len(m['glare'])} moire={m['moire']:.2f} "
                   f"dir={num(s['directional']['edge_ratio'])} step={num(s['directional']['step_ratio'])}")
    return {r["code"] for r in out["reasons"]}


def main():
    here = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", default=str(here.parent / "shared" / "data" / "images"))
    parser.add_argument("--gatehouse", default=str(here / "target" / "release" / "gatehouse"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--keep", help="write the variants to this folder and keep them")
    parser.add_argument("--sweep", action="store_true",
                        help="each defect at several strengths instead: the codes raised")
    parser.add_argument("--realistic", action="store_true",
                        help="clean documents as phones photograph them instead: the codes raised")
    args = parser.parse_args()
    sources = sorted(p for p in pathlib.Path(args.images).rglob("*")
                     if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not sources:
        sys.exit(f"no pictures under {args.images}")
    results = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or scratch
        os.makedirs(tmp, exist_ok=True)
        for i, src in enumerate(sources):
            img = cv2.imread(str(src), cv2.IMREAD_COLOR)
            if not (args.sweep or args.realistic):
                results["clean"].append((src.name, inspect(args.gatehouse, src, "clean " + src.name) & PHOTO_CODES))
            made = (sweep_variants(img, i) if args.sweep
                    else realistic_variants(img, i) if args.realistic else variants(img, i))
            for name, v in made.items():
                path = pathlib.Path(tmp) / f"{i}-{name.replace(' ', '_').replace('/', '_')}.jpg"
                cv2.imwrite(str(path), v, [cv2.IMWRITE_JPEG_QUALITY, QUALITY.get(name, 92)])
                results[name].append((src.name, inspect(args.gatehouse, path, name + " " + src.name) & PHOTO_CODES))
    print(f"{len(sources)} source pictures; rates are over them.\n")
    if args.sweep or args.realistic:
        print("| variant | pictures with no photo code | codes raised |")
        print("|---|---|---|")
        for name, rows in results.items():
            counts = collections.Counter(c for _, codes in rows for c in codes)
            text = ", ".join(f"{c} {k}/{len(rows)}" for c, k in counts.most_common()) or "none"
            print(f"| {name} | {sum(1 for _, codes in rows if not codes)}/{len(rows)} | {text} |")
            if args.verbose:
                for src, codes in rows:
                    print(f"|   {src} | {sorted(codes)} | |")
        if args.verbose:
            print("\n".join(sorted(METRICS)))
        return
    print(f"| variant | expected | detected | other photo codes raised |")
    print(f"|---|---|---|---|")
    for name, expected in EXPECT.items():
        rows = results[name]
        n = len(rows)
        hit = sum(1 for _, codes in rows if (codes & expected) or (not expected and not codes))
        others = collections.Counter(c for _, codes in rows for c in codes - expected)
        other_text = ", ".join(f"{c} {k}/{n}" for c, k in others.most_common()) or "none"
        label = " or ".join(sorted(expected)) or "nothing"
        print(f"| {name} | {label} | {hit}/{n} | {other_text} |")
        if args.verbose:
            for src, codes in rows:
                print(f"|   {src} | | {sorted(codes)} | |")
    if args.verbose:
        print("\n".join(sorted(METRICS)))


if __name__ == "__main__":
    main()
