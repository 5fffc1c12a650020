#!/usr/bin/env python3
"""Makes crates/gatehouse-checks/tests/fixtures/restart.jpg: a small synthetic picture (a
gradient with printed lines and noise, nothing real) written by libjpeg through OpenCV with a
restart marker every three MCUs and 4:2:0 chroma, for the tests of the JPEG scan walk.

    /tmp/venv/bin/python scripts/make-restart-fixture.py   (numpy, opencv-python-headless)
"""
import os

import cv2
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "gatehouse-checks", "tests",
                   "fixtures", "restart.jpg")

rng = np.random.default_rng(20261127)
h, w = 120, 200
y, x = np.mgrid[0:h, 0:w]
img = np.stack([40 + x, 90 + y, 200 - x // 2], axis=-1).astype(np.float32)
for row in range(20, h - 10, 14):
    img[row:row + 3, 15:w - 15] = (30, 30, 30)
img += rng.normal(0, 6, img.shape)
img = np.clip(img, 0, 255).astype(np.uint8)
ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 88,
                                      cv2.IMWRITE_JPEG_RST_INTERVAL, 3])
assert ok
with open(OUT, "wb") as f:
    f.write(data.tobytes())
