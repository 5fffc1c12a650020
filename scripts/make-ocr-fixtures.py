#!/usr/bin/env python3
"""Makes the small synthetic document photos the reader's tests use
(crates/gatehouse-checks/tests/fixtures/): an MRZ printed in OCR-B on a page with a tinted
background, a portrait box and visual-zone text, photographed imperfectly (blur, noise, JPEG,
a slight tilt). The holders are invented; no real document is reproduced.

Needs Debian's fonts-ocr-b, fonts-dejavu-core and fonts-wqy-microhei, and Pillow:
    /tmp/v/bin/python scripts/make-ocr-fixtures.py
"""
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "gatehouse-checks", "tests",
                   "fixtures")
OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CJK = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def digit(s):
    v = lambda c: 0 if c == "<" else int(c) if c.isdigit() else ord(c) - 55
    return str(sum(v(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10)


def td3(surname, given, number, nat, birth, sex, expiry, personal=""):
    l1 = f"P<{nat}{surname}<<{given.replace(' ', '<')}".ljust(44, "<")
    personal = personal.ljust(14, "<")
    pd = digit(personal) if personal.strip("<") else "<"
    body = f"{number}{digit(number)}{nat}{birth}{digit(birth)}{sex}{expiry}{digit(expiry)}{personal}{pd}"
    comp = body[0:10] + body[13:20] + body[21:43]
    return [l1, body + digit(comp)]


def td1(number, birth, sex, expiry, nat, surname, given):
    l1 = f"I<{nat}{number}{digit(number)}".ljust(30, "<")
    l2 = f"{birth}{digit(birth)}{sex}{expiry}{digit(expiry)}{nat}".ljust(29, "<")
    comp = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    l2 += digit(comp)
    l3 = f"{surname}<<{given.replace(' ', '<')}".ljust(30, "<")
    return [l1, l2, l3]


def page(w, h, seed):
    rnd = random.Random(seed)
    img = Image.new("RGB", (w, h), (236, 240, 232))
    d = ImageDraw.Draw(img)
    for y in range(0, h, 6):  # a faint guilloche-like tint
        d.line([(0, y), (w, y + rnd.randint(-20, 20))], fill=(222, 230, 236), width=2)
    return img, d


def mrz(d, lines, x, y, size, pitch):
    font = ImageFont.truetype(OCRB, size)
    for i, line in enumerate(lines):
        for j, ch in enumerate(line):
            d.text((x + j * pitch, y + i * size * 1.45), ch, font=font, fill=(30, 30, 34))


def photograph(img, blur, angle, seed, quality, name):
    rnd = random.Random(seed)
    if angle:
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=(120, 110, 100))
    img = img.filter(ImageFilter.GaussianBlur(blur))
    px = img.load()
    for _ in range(img.width * img.height // 40):
        x, y = rnd.randrange(img.width), rnd.randrange(img.height)
        r, g, b = px[x, y]
        n = rnd.randint(-25, 25)
        px[x, y] = (max(0, min(255, r + n)), max(0, min(255, g + n)), max(0, min(255, b + n)))
    path = os.path.join(OUT, name)
    img.save(path, quality=quality) if name.endswith(".jpg") else img.save(path)
    print(path, os.path.getsize(path))


def passport(lines, name, blur=0.8, angle=0.0, quality=70):
    img, d = page(880, 620, 1)
    d.rectangle([40, 120, 260, 400], fill=(170, 160, 150))
    sans = ImageFont.truetype(SANS, 20)
    for i, t in enumerate(["PASSPORT / PASSEPORT", "Surname", lines[0][5:].split("<<")[0],
                           "Given names", "Date of birth 12 JAN 1985", "Sex F"]):
        d.text((300, 120 + i * 40), t, font=sans, fill=(60, 60, 90))
    mrz(d, lines, 40, 510, 24, 18.4)
    photograph(img, blur, angle, 2, quality, name)


def main():
    os.makedirs(OUT, exist_ok=True)
    p = td3("HOLMGREN", "SARA ELIN", "X0O4512Z0", "UTO", "850112", "F", "330910", "")
    passport(p, "td3.jpg")
    passport(p, "td3-blurred.jpg", blur=5.0, quality=60)
    passport(p, "td3-tilted.jpg", angle=-15.0)
    card = td1("D10234567", "900305", "M", "310228", "UTO", "NIELSEN", "JENS PETER")
    img, d = page(860, 540, 3)
    mrz(d, card, 40, 330, 34, 25.5)
    photograph(img, 0.7, 6.0, 4, 75, "td1-tilted.jpg")
    # The front of a PRC resident identity card: labels, values and the 18-character number.
    img, d = page(856, 540, 5)
    cjk = ImageFont.truetype(CJK, 26)
    for i, (label, value) in enumerate([("姓名", "王小明"), ("性别", "男    民族  汉"),
                                        ("出生", "1949 年 12 月 31 日"),
                                        ("住址", "北京市朝阳区建国路 88 号")]):
        d.text((60, 50 + i * 62), label, font=cjk, fill=(60, 90, 140))
        d.text((150, 50 + i * 62), value, font=cjk, fill=(20, 20, 20))
    d.rectangle([600, 60, 800, 320], fill=(180, 175, 170))
    d.text((60, 430), "公民身份号码", font=cjk, fill=(60, 90, 140))
    ocrb = ImageFont.truetype(OCRB, 34)
    d.text((260, 426), "11010519491231002X", font=ocrb, fill=(20, 20, 20))
    photograph(img, 0.8, -3.0, 6, 70, "cn-id-front.jpg")
    # A page with text but no MRZ.
    img, d = page(700, 450, 7)
    sans = ImageFont.truetype(SANS, 24)
    for i in range(6):
        d.text((40, 40 + i * 60), "DRIVING LICENCE  CATEGORY B  VALID 2031", font=sans,
               fill=(40, 40, 40))
    photograph(img, 0.6, 0, 8, 80, "no-mrz.jpg")


if __name__ == "__main__":
    main()
