"""Draw the picture questions of question_bank/data/instrument.yaml (SRV-1xx).

    .venv/bin/python scripts/make_bank_images.py

Writes the PNG files into question_bank/data/images/. The drawing is deterministic (fixed
coordinates, Pillow's bundled font), so running it again gives the same files. The pictures
are small on purpose: they are sent as photos to applicants on cheap phones with weak data,
so each is a palette PNG of a few colours, well under 40 KB.

Each picture IS the question: the answer must be read from it, so the facts drawn here and
the keys in instrument.yaml must change together:

- peta_bs_rute.png (SRV-118, SRV-119): census block (BS) 012B, north up. Boundaries: north JALAN
  RAYA, east SUNGAI, south JALAN DESA, west JALAN SETAPAK. Buildings on the edge, clockwise
  from the north-west corner: P, W, T, X, R, Y, S, Q, Z, U (so the 4th is X).
- peta_arah.png (SRV-120): north arrow points to the right; the mosque is up-left of the
  school on the page, i.e. south-west (barat daya) of it.
- peta_kuadran.png (SRV-121): north arrow points down; a road (left-right) and a river
  (top-bottom) cross. North of the road = below it; east of the river = left of it; buildings
  there: 3 and 6.
- kuesioner_kerja.png (SRV-104): labour block with skip rules; R2=2, R3=2, R6=1 gives
  R1, R2, R3, R6, R7, R8.
- kode_wilayah.png (SRV-114): location codes 52 / 07 / 020 / 005 -> 5207020005.
- geotag_riwayat.png (SRV-123): four GPS attempts for building 007; only attempt 4 is in
  front of building 007 with accuracy within 10 m.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT_DIR = Path(__file__).resolve().parent.parent / "question_bank" / "data" / "images"

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREY = (150, 150, 150)
ROAD = (205, 205, 205)
BLUE = (60, 120, 210)
WATER = (170, 205, 245)
RED = (200, 30, 30)
GREEN = (200, 230, 190)
DARK_GREEN = (40, 120, 40)
YELLOW = (255, 240, 170)
PATH = (215, 185, 135)
HEADER = (40, 90, 160)
SCREEN = (225, 225, 225)
PALE_BLUE = (210, 225, 250)

_FONTS: dict[int, ImageFont.FreeTypeFont] = {}


def font(size: int) -> ImageFont.FreeTypeFont:
    if size not in _FONTS:
        _FONTS[size] = ImageFont.load_default(size=size)
    return _FONTS[size]


def text(d: ImageDraw.ImageDraw, xy: tuple[float, float], s: str, size: int = 20,
         fill: tuple[int, int, int] = BLACK, anchor: str = "la") -> None:
    d.text(xy, s, font=font(size), fill=fill, anchor=anchor)


def _palette() -> Image.Image:
    """A fixed palette: the drawing colours plus greys for the anti-aliased text edges."""
    colours = [WHITE, BLACK, GREY, ROAD, BLUE, WATER, RED, GREEN, DARK_GREEN, YELLOW, PATH,
               HEADER, SCREEN, (110, 110, 110), (60, 60, 60), (185, 185, 185), (230, 140, 140),
               (150, 185, 235), PALE_BLUE, (235, 235, 235)]
    flat = [c for rgb in colours for c in rgb]
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat + flat[:3] * (256 - len(colours)))
    return pal


def canvas(w: int, h: int, background: tuple[int, int, int] = WHITE
           ) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (w, h), background)
    return img, ImageDraw.Draw(img)


def save(img: Image.Image, name: str) -> Path:
    """Palette PNG in the fixed colours (no dithering), optimised: small and crisp."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / name
    pal = img.convert("RGB").quantize(palette=_palette(), dither=Image.Dither.NONE)
    pal.save(path, format="PNG", optimize=True)
    return path


def dashed_line(d: ImageDraw.ImageDraw, p: tuple[float, float], q: tuple[float, float],
                fill: tuple[int, int, int], width: int = 4, dash: int = 16, gap: int = 10) -> None:
    (x1, y1), (x2, y2) = p, q
    length = math.hypot(x2 - x1, y2 - y1)
    if length == 0:
        return
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    pos = 0.0
    while pos < length:
        end = min(pos + dash, length)
        d.line([(x1 + ux * pos, y1 + uy * pos), (x1 + ux * end, y1 + uy * end)],
               fill=fill, width=width)
        pos = end + gap


def dashed_rect(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int],
                fill: tuple[int, int, int] = RED, width: int = 4) -> None:
    x1, y1, x2, y2 = box
    for p, q in (((x1, y1), (x2, y1)), ((x2, y1), (x2, y2)),
                 ((x2, y2), (x1, y2)), ((x1, y2), (x1, y1))):
        dashed_line(d, p, q, fill, width)


def arrow(d: ImageDraw.ImageDraw, p: tuple[float, float], q: tuple[float, float],
          fill: tuple[int, int, int] = BLACK, width: int = 3, head: int = 12) -> None:
    """A line from p to q with a filled head at q."""
    (x1, y1), (x2, y2) = p, q
    ang = math.atan2(y2 - y1, x2 - x1)
    base = (x2 - head * math.cos(ang), y2 - head * math.sin(ang))
    d.line([p, base], fill=fill, width=width)
    left = (base[0] + head * 0.6 * math.sin(ang), base[1] - head * 0.6 * math.cos(ang))
    right = (base[0] - head * 0.6 * math.sin(ang), base[1] + head * 0.6 * math.cos(ang))
    d.polygon([q, left, right], fill=fill)


def north_arrow(d: ImageDraw.ImageDraw, centre: tuple[int, int], direction: str,
                length: int = 70) -> None:
    """A compass arrow pointing up/down/left/right, with the letter U at its tip."""
    cx, cy = centre
    dx, dy = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}[direction]
    half = length // 2
    tail = (cx - dx * half, cy - dy * half)
    tip = (cx + dx * half, cy + dy * half)
    d.ellipse([cx - half - 8, cy - half - 8, cx + half + 8, cy + half + 8], outline=GREY,
              width=2)
    arrow(d, tail, tip, fill=BLACK, width=5, head=22)
    text(d, (tip[0] + dx * 26, tip[1] + dy * 26), "U", size=30, anchor="mm")


def building(d: ImageDraw.ImageDraw, xy: tuple[int, int], label: str, size: int = 44,
             font_size: int = 28) -> None:
    x, y = xy
    d.rectangle([x, y, x + size, y + size], fill=YELLOW, outline=BLACK, width=3)
    text(d, (x + size / 2, y + size / 2 + 1), label, size=font_size, anchor="mm")


def mosque(d: ImageDraw.ImageDraw, xy: tuple[int, int], label: str = "MASJID") -> None:
    """A small mosque: a box with a dome and a crescent, label beneath."""
    x, y = xy  # top-left of the body
    d.rectangle([x, y + 22, x + 56, y + 56], fill=GREEN, outline=BLACK, width=3)
    d.pieslice([x + 8, y, x + 48, y + 44], 180, 360, fill=DARK_GREEN, outline=BLACK, width=2)
    d.line([(x + 28, y), (x + 28, y - 12)], fill=BLACK, width=2)
    d.ellipse([x + 23, y - 22, x + 33, y - 12], fill=BLACK)
    text(d, (x + 28, y + 62), label, size=18, anchor="ma")


def school(d: ImageDraw.ImageDraw, xy: tuple[int, int], label: str = "SD") -> None:
    """A school: a long box with a flag pole, label beneath."""
    x, y = xy
    d.rectangle([x, y + 20, x + 70, y + 56], fill=PALE_BLUE, outline=BLACK, width=3)
    d.line([(x + 35, y + 20), (x + 35, y - 14)], fill=BLACK, width=2)
    d.rectangle([x + 36, y - 14, x + 54, y - 4], fill=RED)
    text(d, (x + 35, y + 62), label, size=18, anchor="ma")


def river_v(d: ImageDraw.ImageDraw, x: int, y1: int, y2: int, width: int = 34) -> None:
    """A vertical wavy river centred on x."""
    pts_l, pts_r = [], []
    for y in range(y1, y2 + 1, 6):
        off = 8 * math.sin((y - y1) / 40)
        pts_l.append((x - width / 2 + off, y))
        pts_r.append((x + width / 2 + off, y))
    d.polygon(pts_l + pts_r[::-1], fill=WATER)
    d.line(pts_l, fill=BLUE, width=3)
    d.line(pts_r, fill=BLUE, width=3)


def road_h(d: ImageDraw.ImageDraw, y: int, x1: int, x2: int, width: int, label: str,
           label_x: int | None = None) -> None:
    d.rectangle([x1, y - width // 2, x2, y + width // 2], fill=ROAD)
    d.line([(x1, y - width // 2), (x2, y - width // 2)], fill=GREY, width=2)
    d.line([(x1, y + width // 2), (x2, y + width // 2)], fill=GREY, width=2)
    lx = label_x if label_x is not None else (x1 + x2) // 2
    text(d, (lx, y + 1), label, size=18, anchor="mm")


def legend_block(d: ImageDraw.ImageDraw, y: int) -> None:
    dashed_line(d, (20, y), (80, y), RED, 4)
    text(d, (90, y), "batas BS", size=18, anchor="lm")
    d.rectangle([200, y - 12, 224, y + 12], fill=YELLOW, outline=BLACK, width=2)
    text(d, (232, y), "bangunan", size=18, anchor="lm")
    d.rectangle([350, y - 10, 400, y + 10], fill=WATER, outline=BLUE, width=2)
    text(d, (408, y), "sungai", size=18, anchor="lm")
    d.rectangle([490, y - 8, 540, y + 8], fill=ROAD, outline=GREY, width=1)
    text(d, (548, y), "jalan", size=18, anchor="lm")


# ----------------------------------------------------------------------------------------
# Maps
# ----------------------------------------------------------------------------------------

def peta_bs_rute() -> Path:
    """Census block 012B, north up, ten buildings on its edge (see module docstring)."""
    w, h = 800, 600
    img, d = canvas(w, h)
    text(d, (20, 12), "SKETSA PETA WILAYAH KERJA BS 012B", size=24)
    north_arrow(d, (725, 72), "up", length=60)

    # landmarks north of the main road, outside the block
    mosque(d, (300, 72))
    school(d, (480, 74))

    road_h(d, 172, 40, 690, 32, "JALAN RAYA", label_x=120)
    road_h(d, 532, 40, 660, 30, "JALAN DESA", label_x=120)
    river_v(d, 690, 110, 580)
    text(d, (712, 350), "SUNGAI", size=20, anchor="lm")
    # footpath on the west side
    d.rectangle([104, 188, 116, 517], fill=PATH, outline=(120, 90, 50), width=1)
    text(d, (58, 340), "JALAN", size=16, anchor="mm")
    text(d, (58, 360), "SETAPAK", size=16, anchor="mm")

    dashed_rect(d, (135, 196, 668, 508), RED, 4)
    text(d, (402, 322), "BS 012B", size=26, fill=RED, anchor="mm")
    # field in the middle (no buildings there)
    d.rectangle([260, 345, 540, 425], fill=GREEN, outline=DARK_GREEN, width=2)
    text(d, (400, 385), "LAPANGAN", size=20, fill=DARK_GREEN, anchor="mm")

    # clockwise from the north-west corner: north side west -> east, east side north ->
    # south, south side east -> west, west side south -> north
    for position, label in (((150, 208), "P"), ((340, 208), "W"), ((600, 208), "T"),
                            ((600, 290), "X"), ((600, 374), "R"),
                            ((470, 452), "Y"), ((320, 452), "S"), ((150, 452), "Q"),
                            ((150, 371), "Z"), ((150, 288), "U")):
        building(d, position, label)

    legend_block(d, 584)
    return save(img, "peta_bs_rute.png")


def peta_arah() -> Path:
    """North arrow to the right; mosque up-left of the school on the page (= south-west)."""
    w, h = 800, 600
    img, d = canvas(w, h)
    text(d, (20, 14), "SKETSA PETA WILAYAH KERJA", size=26)
    north_arrow(d, (690, 80), "right", length=70)

    road_h(d, 380, 20, 780, 34, "JALAN DESA", label_x=110)
    # a lane going up from the road
    d.rectangle([560, 130, 584, 363], fill=ROAD)
    text(d, (552, 250), "GANG", size=16, anchor="rm")
    river_v(d, 90, 60, 362, width=30)
    text(d, (120, 210), "SUNGAI", size=18, anchor="lm")

    mosque(d, (200, 120))
    school(d, (410, 270))
    # a few numbered houses for context
    building(d, (320, 110), "1", size=40, font_size=24)
    building(d, (620, 160), "2", size=40, font_size=24)
    building(d, (640, 260), "3", size=40, font_size=24)
    building(d, (200, 440), "4", size=40, font_size=24)
    building(d, (420, 440), "5", size=40, font_size=24)
    building(d, (640, 440), "6", size=40, font_size=24)
    text(d, (20, 575), "Arah utara ditunjukkan oleh panah U.", size=18, anchor="lm")
    return save(img, "peta_arah.png")


def peta_kuadran() -> Path:
    """North arrow down; road across, river down the middle; buildings 1-8 in quadrants."""
    w, h = 800, 600
    img, d = canvas(w, h)
    text(d, (20, 14), "SKETSA PETA DESA", size=26)
    north_arrow(d, (715, 80), "down", length=60)

    river_v(d, 400, 60, 598, width=40)
    road_h(d, 330, 0, 800, 36, "JALAN POROS", label_x=110)
    d.rectangle([372, 310, 432, 350], fill=ROAD, outline=BLACK, width=2)  # bridge
    text(d, (402, 330), "jembatan", size=13, anchor="mm")
    text(d, (452, 80), "SUNGAI", size=20, anchor="lm")

    # upper-left: 2, 7 ; upper-right: 1, 4 ; lower-left: 3, 6 ; lower-right: 5, 8
    for position, label in (((110, 130), "2"), ((250, 210), "7"), ((500, 150), "1"),
                            ((620, 230), "4"), ((120, 420), "3"), ((270, 500), "6"),
                            ((520, 470), "5"), ((660, 400), "8")):
        building(d, position, label)
    mosque(d, (220, 82))  # upper-left, unnumbered landmark
    school(d, (620, 500))  # lower-right, unnumbered landmark
    return save(img, "peta_kuadran.png")


# ----------------------------------------------------------------------------------------
# Questionnaire fragments and an app screen
# ----------------------------------------------------------------------------------------

def boxes(d: ImageDraw.ImageDraw, x: int, y: int, digits: str, n: int | None = None,
          size: int = 36, font_size: int = 26) -> int:
    """n answer boxes at (x, y) holding `digits` right-aligned; returns the right edge."""
    n = n or len(digits)
    digits = digits.rjust(n)
    for i, ch in enumerate(digits):
        bx = x + i * (size + 4)
        d.rectangle([bx, y, bx + size, y + size], fill=WHITE, outline=BLACK, width=2)
        if ch.strip():
            text(d, (bx + size / 2, y + size / 2 + 1), ch, size=font_size, fill=BLUE,
                 anchor="mm")
    return x + n * (size + 4)


def skip(d: ImageDraw.ImageDraw, x: int, y: int, target: str, size: int = 19) -> int:
    """A red skip instruction: an arrow, then the target question; returns the right edge."""
    arrow(d, (x, y), (x + 26, y), fill=RED, width=3, head=10)
    text(d, (x + 32, y), target, size=size, fill=RED, anchor="lm")
    return x + 32 + int(font(size).getlength(target))


def kuesioner_kerja() -> Path:
    w, h = 800, 600
    img, d = canvas(w, h)
    d.rectangle([10, 10, 790, 58], fill=SCREEN, outline=BLACK, width=2)
    text(d, (400, 22), "BLOK V. KETERANGAN KETENAGAKERJAAN", size=22, anchor="ma")
    text(d, (400, 60), "untuk setiap ART; ikuti tanda panah merah", size=16, fill=GREY,
         anchor="ma")
    top, row_h = 84, 63
    col_no, col_q, col_a = 18, 72, 470
    rows: list[tuple[str, list[str]]] = [
        ("R1", ["Umur (tahun)"]),
        ("R2", ["Seminggu yang lalu bekerja paling", "sedikit 1 jam berturut-turut?"]),
        ("R3", ["Punya pekerjaan/usaha, tetapi", "sementara tidak bekerja?"]),
        ("R4", ["Jumlah jam kerja seminggu yang lalu"]),
        ("R5", ["Lapangan usaha pekerjaan utama"]),
        ("R6", ["Sedang mencari pekerjaan?"]),
        ("R7", ["Sudah berapa bulan mencari pekerjaan?"]),
        ("R8", ["Kegiatan utama seminggu yang lalu"]),
    ]
    for i, (no, lines) in enumerate(rows):
        y = top + i * row_h
        d.rectangle([10, y, 790, y + row_h], outline=BLACK, width=1)
        d.line([(62, y), (62, y + row_h)], fill=BLACK, width=1)
        d.line([(col_a - 10, y), (col_a - 10, y + row_h)], fill=BLACK, width=1)
        text(d, (col_no, y + row_h / 2), no, size=22, anchor="lm")
        if len(lines) == 1:
            text(d, (col_q, y + row_h / 2), lines[0], size=19, anchor="lm")
        else:
            text(d, (col_q, y + 18), lines[0], size=19, anchor="lm")
            text(d, (col_q, y + 43), lines[1], size=19, anchor="lm")
        mid = y + row_h // 2
        if no == "R1":
            right = boxes(d, col_a, mid - 16, "", n=2, size=32)
            text(d, (right + 14, y + 18), "Jika < 15 tahun:", size=18, fill=RED, anchor="lm")
            text(d, (right + 14, y + 43), "blok V selesai", size=18, fill=RED, anchor="lm")
        elif no == "R2":
            text(d, (col_a, y + 18), "1. Ya", size=19, anchor="lm")
            skip(d, col_a + 60, y + 18, "R4")
            text(d, (col_a, y + 43), "2. Tidak", size=19, anchor="lm")
        elif no == "R3":
            text(d, (col_a, y + 18), "1. Ya", size=19, anchor="lm")
            skip(d, col_a + 60, y + 18, "R5")
            text(d, (col_a, y + 43), "2. Tidak", size=19, anchor="lm")
            skip(d, col_a + 90, y + 43, "R6")
        elif no in ("R4", "R7"):
            boxes(d, col_a, mid - 16, "", n=2, size=32)
        elif no == "R5":
            d.line([(col_a, mid + 10), (col_a + 200, mid + 10)], fill=GREY, width=2)
            skip(d, col_a + 215, mid, "R8")
        elif no == "R6":
            text(d, (col_a, y + 18), "1. Ya", size=19, anchor="lm")
            text(d, (col_a, y + 43), "2. Tidak", size=19, anchor="lm")
            skip(d, col_a + 90, y + 43, "R8")
        elif no == "R8":
            text(d, (col_a, y + 18), "1. Bekerja   2. Sekolah", size=18, anchor="lm")
            text(d, (col_a, y + 43), "3. Mengurus RT   4. Lainnya", size=18, anchor="lm")
    return save(img, "kuesioner_kerja.png")


def kode_wilayah() -> Path:
    w, h = 720, 480
    img, d = canvas(w, h)
    d.rectangle([10, 10, 710, 60], fill=SCREEN, outline=BLACK, width=2)
    text(d, (360, 24), "BLOK I. PENGENALAN TEMPAT", size=24, anchor="ma")
    rows = [("101", "Provinsi", "52"), ("102", "Kabupaten/Kota", "07"),
            ("103", "Kecamatan", "020"), ("104", "Desa/Kelurahan", "005")]
    top, row_h = 60, 92
    for i, (no, label, code) in enumerate(rows):
        y = top + i * row_h
        d.rectangle([10, y, 710, y + row_h], outline=BLACK, width=2)
        d.line([(80, y), (80, y + row_h)], fill=BLACK, width=1)
        text(d, (45, y + row_h / 2), no, size=22, anchor="mm")
        text(d, (96, y + row_h / 2), label, size=24, anchor="lm")
        d.line([(300, y + row_h / 2 + 14), (470, y + row_h / 2 + 14)], fill=GREY, width=2)
        boxes(d, 710 - 16 - len(code) * 48, y + row_h / 2 - 22, code, size=44, font_size=30)
    text(d, (20, 440), "Isian kotak ditulis petugas dengan tinta biru.", size=18, fill=GREY,
         anchor="lm")
    return save(img, "kode_wilayah.png")


def geotag_riwayat() -> Path:
    """Phone-like screen: four attempts to take the point of building 007."""
    w, h = 640, 560
    img, d = canvas(w, h, (235, 235, 235))
    d.rounded_rectangle([20, 10, 620, 550], radius=28, fill=WHITE, outline=BLACK, width=3)
    d.rectangle([22, 40, 618, 96], fill=HEADER)
    text(d, (320, 68), "Titik Lokasi - Bangunan 007", size=24, fill=WHITE, anchor="mm")
    text(d, (44, 120), "Riwayat pengambilan titik:", size=20, anchor="lm")
    head_y = 150
    d.rectangle([40, head_y, 600, head_y + 40], fill=SCREEN, outline=BLACK, width=1)
    text(d, (60, head_y + 20), "No.", size=19, anchor="lm")
    text(d, (130, head_y + 20), "Akurasi", size=19, anchor="lm")
    text(d, (270, head_y + 20), "Posisi petugas saat mengambil", size=19, anchor="lm")
    rows = [("1", "± 32 m", "di depan bangunan 007"),
            ("2", "± 4 m", "di rumah petugas"),
            ("3", "± 9 m", "di depan bangunan 008"),
            ("4", "± 7 m", "di depan bangunan 007")]
    for i, (no, acc, where) in enumerate(rows):
        y = head_y + 40 + i * 70
        d.rectangle([40, y, 600, y + 70], outline=BLACK, width=1)
        text(d, (68, y + 35), no, size=24, anchor="mm")
        text(d, (130, y + 35), acc, size=24, anchor="lm")
        text(d, (270, y + 35), where, size=20, anchor="lm")
    # a GPS pin icon at the bottom
    px, py = 86, 500
    d.ellipse([px - 14, py - 40, px + 14, py - 12], fill=RED)
    d.polygon([(px - 12, py - 22), (px + 12, py - 22), (px, py)], fill=RED)
    d.ellipse([px - 5, py - 31, px + 5, py - 21], fill=WHITE)
    text(d, (110, 486), "Akurasi = perkiraan jarak kesalahan titik", size=18, fill=GREY,
         anchor="lm")
    return save(img, "geotag_riwayat.png")


def main() -> None:
    for make in (peta_bs_rute, peta_arah, peta_kuadran, kuesioner_kerja, kode_wilayah,
                 geotag_riwayat):
        path = make()
        print(f"{path.relative_to(OUT_DIR.parent.parent.parent)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
