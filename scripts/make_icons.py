"""Draws the web app icons (booklib/web/static/icons/*.png) with Pillow: three book spines on a shelf.

Run again only to change them: `python scripts/make_icons.py`. The PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "booklib" / "web" / "static" / "icons"
GREEN, PAPER, GOLD, RUST = "#2f5d50", "#fafaf7", "#d9a441", "#c8674a"


def draw(size: int, *, maskable: bool = False, rounded: bool = True) -> Image.Image:
    scale = 4  # drawn large, then shrunk: smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable or not rounded:
        pen.rectangle((0, 0, s, s), fill=GREEN)
    else:
        pen.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=GREEN)
    # A maskable icon keeps its drawing inside the middle 80% (the "safe zone").
    inset = s * (0.24 if maskable else 0.18)
    box = s - 2 * inset
    unit = box / 10
    shelf_y = inset + box * 0.92
    spines = [  # x from, width, height (in units), colour
        (0.6, 2.2, 8.4, PAPER),
        (3.1, 2.0, 7.2, GOLD),
    ]
    for x, width, height, colour in spines:
        left = inset + x * unit
        pen.rounded_rectangle((left, shelf_y - height * unit, left + width * unit, shelf_y), radius=unit * 0.3, fill=colour)
        band = shelf_y - height * unit * 0.75
        pen.rectangle((left + unit * 0.35, band, left + (width - 0.35) * unit, band + unit * 0.45), fill=GREEN)
    # The third book leans on the second.
    leaning = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    lean_pen = ImageDraw.Draw(leaning)
    left = inset + 6.6 * unit
    lean_pen.rounded_rectangle((left, shelf_y - 8.0 * unit, left + 2.1 * unit, shelf_y), radius=unit * 0.3, fill=RUST)
    leaning = leaning.rotate(18, center=(left + 2.1 * unit, shelf_y), resample=Image.BICUBIC)
    image.alpha_composite(leaning)
    pen.rounded_rectangle((inset, shelf_y, inset + box, shelf_y + unit * 0.6), radius=unit * 0.2, fill=PAPER)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192).save(OUT / "icon-192.png", optimize=True)
    draw(512).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    print("written:", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
