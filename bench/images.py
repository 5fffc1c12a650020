#!/usr/bin/env python3
"""Speed and memory of Gatehouse's image checks against an equivalent OpenCV pipeline.

    python3 bench/images.py [--images DIR] [--runs N] [--no-build] [--json FILE]

Files: every *.jpg / *.png under DIR (default ../shared/data/images) and a generated
12-megapixel phone photo (4000x3000 JPEG, quality 90: a specimen on a textured desk, upscaled,
with sensor-like noise), written to a temporary directory and removed at exit.

Gatehouse: `imaging::analyse` through the release example `image_bench` (one thread; one
warm-up, then N timed runs; the file is read before timing). OpenCV (opencv-python-headless,
cv2.setNumThreads(1)), in this process: cv2.imdecode of the file's bytes at full size,
grayscale, Laplacian variance, highlight mask (threshold at 250 + connected components with
stats), contour search (Gaussian blur, Canny, findContours, largest quadrilateral by
approxPolyDP); one warm-up, then N timed runs. Times are medians of wall time. The "CPU-time
ratio" compares the mean CPU time per run of all threads of each process (Gatehouse: utime +
stime from /proc/self/stat, 10 ms ticks; OpenCV: time.process_time()); on a loaded machine it
is the steadier figure. jpeg-decoder does its IDCT on a worker thread of its own, which the CPU
time counts and the wall time may not.

Peak memory: one process per file and tool. Each reads VmHWM (peak resident set) from
/proc/self/status once it is ready (both after running their pipeline once on a 16x16 black
PNG, so lazy initialisation is not counted; OpenCV also after importing cv2 and numpy), then reads the file, analyses it once, and
reads VmHWM again. The figure is the difference: what reading and analysing the file added at
its peak, the file's bytes included. tracemalloc cannot be used: it does not see cv2's buffers.

Targets (issue 4): at most a quarter of OpenCV's time per image; peak memory under 3x the
decoded image's size (width x height x 3 bytes of the original picture).

The script needs numpy and opencv-python-headless. Unless it already runs with both, it creates
a virtualenv at $GATEHOUSE_BENCH_VENV (default /tmp/gatehouse-bench-venv), installs them there
from PyPI and runs itself again with that interpreter.
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = pathlib.Path(os.environ.get("GATEHOUSE_BENCH_VENV", "/tmp/gatehouse-bench-venv"))
THRESHOLD = 250  # highlight mask: luminance at or above this is blown out


def ensure_deps():
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        sys.exit("numpy or opencv-python-headless is missing from " + str(VENV))
    if not python.exists():
        print(f"creating virtualenv {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    check = subprocess.run([str(python), "-c", "import cv2, numpy"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "opencv-python-headless",
                        "numpy"], check=True)
    os.execv(str(python), [str(python), *sys.argv])


def vm_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def opencv_pipeline(data):
    import cv2
    import numpy as np
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        raise ValueError("cv2.imdecode failed")
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    sharpness = cv2.Laplacian(gray, cv2.CV_64F).var()
    _, mask = cv2.threshold(gray, THRESHOLD - 1, 255, cv2.THRESH_BINARY)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    largest_glare = int(stats[1:, cv2.CC_STAT_AREA].max()) if n > 1 else 0
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    quad = None
    for c in sorted(contours, key=cv2.contourArea, reverse=True)[:10]:
        approx = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
        if len(approx) == 4:
            quad = approx
            break
    return img.shape, sharpness, largest_glare, quad


def opencv_memory(path):
    """One analysis in this fresh process; prints the peak it added, as JSON."""
    import cv2
    import numpy as np
    cv2.setNumThreads(1)
    # Warm up the libraries (lazy initialisation) on a tiny picture before the baseline.
    ok, tiny = cv2.imencode(".png", np.zeros((16, 16, 3), np.uint8))
    opencv_pipeline(tiny.tobytes())
    baseline = vm_kb("VmHWM")
    data = pathlib.Path(path).read_bytes()
    shape, *_ = opencv_pipeline(data)
    peak = vm_kb("VmHWM")
    print(json.dumps({"file": path, "width": shape[1], "height": shape[0], "baseline_kb": baseline,
                      "peak_kb": peak, "delta_kb": peak - baseline, "file_bytes": len(data)}))


def opencv_time(path, runs):
    data = pathlib.Path(path).read_bytes()
    opencv_pipeline(data)
    ms = []
    cpu_start = time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        opencv_pipeline(data)
        ms.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / runs
    return statistics.median(ms), min(ms), cpu, sum(ms) / runs


def phone_photo(out_dir):
    """A 4000x3000 phone photo of a specimen passport on a desk, JPEG quality 90."""
    import cv2
    import numpy as np
    rng = np.random.default_rng(20261127)
    w, h = 4000, 3000
    # Desk: brown wood-like grain (stretched noise) plus a soft light fall-off.
    grain = cv2.resize(rng.normal(0, 1, (h // 8, w // 64)).astype(np.float32), (w, h),
                       interpolation=cv2.INTER_CUBIC)
    fine = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 2)
    desk = np.empty((h, w, 3), np.float32)
    desk[:] = (60, 95, 135)  # BGR
    desk += (grain * 14 + fine * 6)[..., None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.15 - 0.35 * (((xx - w * 0.45) / w) ** 2 + ((yy - h * 0.4) / h) ** 2)
    desk *= light[..., None]
    # The document: a specimen upscaled to about 70% of the frame's width, slightly rotated.
    spec = cv2.imread(str(SPECIMEN), cv2.IMREAD_COLOR)
    dw = int(w * 0.7)
    dh = int(spec.shape[0] * dw / spec.shape[1])
    doc = cv2.resize(spec, (dw, dh), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    m = cv2.getRotationMatrix2D((dw / 2, dh / 2), 3.0, 1.0)
    m[:, 2] += (w / 2 - dw / 2, h / 2 - dh / 2)
    warped = cv2.warpAffine(doc, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    inside = cv2.warpAffine(np.ones((dh, dw), np.float32), m, (w, h), flags=cv2.INTER_LINEAR)
    photo = desk * (1 - inside[..., None]) + warped * inside[..., None] * light[..., None]
    # Camera: a touch of lens softness, then sensor noise (stronger in the dark).
    photo = cv2.GaussianBlur(photo, (0, 0), 0.8)
    photo += rng.normal(0, 1, (h, w, 3)).astype(np.float32) * (2.0 + 0.02 * (255 - photo))
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    path = out_dir / "phone-12mp.jpg"
    cv2.imwrite(str(path), photo, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return path


SPECIMEN = None


def main():
    global SPECIMEN
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", default=str(ROOT.parent / "shared" / "data" / "images"))
    ap.add_argument("--runs", type=int, default=15, help="timed runs per file and tool")
    ap.add_argument("--no-build", action="store_true", help="do not build the example first")
    ap.add_argument("--json", help="also write every figure to this file")
    ap.add_argument("--opencv-memory", help=argparse.SUPPRESS)
    args = ap.parse_args()
    ensure_deps()
    if args.opencv_memory:
        opencv_memory(args.opencv_memory)
        return
    import cv2
    cv2.setNumThreads(1)

    images = pathlib.Path(args.images)
    files = sorted(p for p in images.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if not files:
        print(f"no *.jpg or *.png under {images}", file=sys.stderr)
        sys.exit(2)
    SPECIMEN = next((p for p in files if p.name == "passport-td3.jpg"), files[0])
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    bench = target / "release" / "examples" / "image_bench"
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "gatehouse-checks", "--example",
                        "image_bench"], cwd=ROOT, check=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="gatehouse-imgbench-"))
    try:
        files.append(phone_photo(tmp))
        run(args, files, bench, images)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def name_of(path, images):
    try:
        return str(path.relative_to(images))
    except ValueError:
        return f"{path.name} (generated)"


def run(args, files, bench, images):
    import cv2
    print(f"cv2 {cv2.__version__}, threads {cv2.getNumThreads()}; {args.runs} runs per file; "
          f"load average before {os.getloadavg()[0]:.2f}", file=sys.stderr)
    rows = []
    for path in files:
        # Alternate the tools file by file, so that a change of machine load hits both.
        gh = json.loads(subprocess.run([str(bench), "--runs", str(args.runs), str(path)],
                                       capture_output=True, text=True, check=True).stdout)
        gh_mem = json.loads(subprocess.run([str(bench), "--memory", str(path)],
                                           capture_output=True, text=True, check=True).stdout)
        cv_med, cv_min, cv_cpu, cv_mean = opencv_time(path, args.runs)
        cv_mem = json.loads(subprocess.run(
            [sys.executable, __file__, "--opencv-memory", str(path)],
            capture_output=True, text=True, check=True).stdout)
        decoded = gh["width"] * gh["height"] * 3
        rows.append({
            "file": name_of(path, images), "width": gh["width"], "height": gh["height"],
            "file_bytes": path.stat().st_size,
            "gatehouse_ms": gh["ms_median"], "gatehouse_ms_min": gh["ms_min"],
            "gatehouse_wall_ms_mean": gh["ms_mean"], "gatehouse_cpu_ms_mean": gh["cpu_ms_mean"],
            "opencv_ms": round(cv_med, 3), "opencv_ms_min": round(cv_min, 3),
            "opencv_cpu_ms_mean": round(cv_cpu, 3), "opencv_wall_ms_mean": round(cv_mean, 3),
            "time_ratio": gh["ms_median"] / cv_med,
            "cpu_ratio": gh["cpu_ms_mean"] / cv_cpu if cv_cpu else float("nan"),
            "gatehouse_peak_kb": gh_mem["delta_kb"], "opencv_peak_kb": cv_mem["delta_kb"],
            "working": [gh_mem["working_width"], gh_mem["working_height"]],
            "decoded_bytes": decoded,
            "memory_ratio": gh_mem["delta_kb"] * 1024 / decoded,
        })
        print(f"  {rows[-1]['file']}: {gh['ms_median']:.1f} ms vs {cv_med:.1f} ms",
              file=sys.stderr)
    print(f"load average after {os.getloadavg()[0]:.2f}", file=sys.stderr)
    report(rows)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1))


def mib(kb):
    return f"{kb / 1024:.1f}"


def report(rows):
    print("| file | size | Gatehouse ms | OpenCV ms | time ratio | CPU-time ratio "
          "| Gatehouse peak MiB | OpenCV peak MiB | decoded MiB | peak / decoded |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        print(f"| {r['file']} | {r['width']}x{r['height']} | {r['gatehouse_ms']:.1f} "
              f"| {r['opencv_ms']:.1f} | {r['time_ratio']:.2f} | {r['cpu_ratio']:.2f} "
              f"| {mib(r['gatehouse_peak_kb'])} "
              f"| {mib(r['opencv_peak_kb'])} | {r['decoded_bytes'] / 2**20:.1f} "
              f"| {r['memory_ratio']:.2f} |")
    fast = [r for r in rows if r["time_ratio"] <= 0.25]
    small = [r for r in rows if r["memory_ratio"] < 3.0]
    print()
    print(f"Time target (<= 0.25 x OpenCV): met on {len(fast)}/{len(rows)} files; "
          f"median ratio {statistics.median(r['time_ratio'] for r in rows):.2f}.")
    print(f"Memory target (< 3 x decoded size): met on {len(small)}/{len(rows)} files; "
          f"median ratio {statistics.median(r['memory_ratio'] for r in rows):.2f}.")
    total_gh = sum(r["gatehouse_ms"] for r in rows)
    total_cv = sum(r["opencv_ms"] for r in rows)
    print(f"All files: Gatehouse {total_gh:.0f} ms, OpenCV {total_cv:.0f} ms "
          f"(ratio {total_gh / total_cv:.2f}).")
    for r in rows:
        if "generated" in r["file"]:
            verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
            print(f"12 MP photo: time ratio {r['time_ratio']:.2f} "
                  f"({verdict(r['time_ratio'] <= 0.25)}), peak {mib(r['gatehouse_peak_kb'])} MiB "
                  f"= {r['memory_ratio']:.2f} x decoded ({verdict(r['memory_ratio'] < 3.0)}).")


if __name__ == "__main__":
    main()
