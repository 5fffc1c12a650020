#!/usr/bin/env python3
"""Renders the MRZ alphabet (A-Z, 0-9, <) of the OCR-B font into the cell templates the MRZ
reader matches against: crates/gatehouse-checks/data/ocrb-glyphs.txt.

The font comes from Debian's `fonts-ocr-b` (public domain / permissive, Matthew Skala after
Norbert Schwarz's METAFONT sources); Pillow renders it. OCR-B is monospaced, so a template is a
whole cell: the advance width across, from above the capitals to below the baseline down, with
the glyph where the font puts it. The reader scales each printed cell to the same grid.

    apt-get install fonts-ocr-b && python3 -m venv /tmp/v && /tmp/v/bin/pip install pillow
    /tmp/v/bin/python scripts/build-ocrb-glyphs.py
"""
import os
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
# Template grid: W columns (one advance) by H rows; the capitals span rows CAP_TOP..BASELINE.
W, H = 16, 24
CAP_TOP, BASELINE = 3.0, 21.0
SIZE = 400  # rendering size in pixels per em, before area-averaging down to the grid

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "gatehouse-checks", "data",
                   "ocrb-glyphs.txt")


def main() -> int:
    font = ImageFont.truetype(FONT, SIZE)
    advance = font.getlength("H")
    if any(abs(font.getlength(c) - advance) > 0.5 for c in ALPHABET):
        print("font is not monospaced over the MRZ alphabet", file=sys.stderr)
        return 1
    ascent, _ = font.getmetrics()
    # Capital height from the ink of "H" (baseline at `ascent` when drawn at y=0).
    box = font.getbbox("H")
    cap_top, baseline = box[1], ascent
    cap = baseline - cap_top
    scale = (BASELINE - CAP_TOP) / cap  # grid rows per rendered pixel
    lines = [
        "# OCR-B cell templates for the MRZ reader, made by scripts/build-ocrb-glyphs.py",
        f"# from Debian fonts-ocr-b OCRB.otf. Grid {W}x{H}, capitals from row {CAP_TOP} to "
        f"{BASELINE}; ink 0-9.",
        f"grid {W} {H} {CAP_TOP} {BASELINE} {scale * advance / W:.6f}",
    ]
    # This font's digits stand taller than its capitals; printed MRZs have them the same
    # height (ISO 1073-2), so digits are scaled to the capitals' height.
    digit_top = font.getbbox("7")[1]
    digit_scale = (BASELINE - CAP_TOP) / (baseline - digit_top)
    for ch in ALPHABET:
        # Render one cell at high resolution: width `advance`, rows mapped to the grid.
        s = digit_scale if ch.isdigit() else scale
        top = baseline - BASELINE / s
        height = H / s
        img = Image.new("L", (round(advance), round(height)), 0)
        ImageDraw.Draw(img).text((0, -top), ch, font=font, fill=255)
        small = img.resize((W, H), Image.Resampling.BOX)
        px = list(small.tobytes())
        lines.append(f"glyph {ch}")
        for r in range(H):
            lines.append("".join(str(min(9, v * 10 // 256)) for v in px[r * W:(r + 1) * W]))
    with open(OUT, "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
