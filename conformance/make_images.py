#!/usr/bin/env python3
"""Deterministic photo-like images for the conformance cases (Pillow and numpy only).

  python3 conformance/make_images.py OUT_DIR NAME...

Each NAME says what it makes: <kind>_<W>x<H>.<png|jpg>, where W×H is the size as shown (after EXIF
orientation). Kinds: photo (RGB), grey (8-bit L), rgba (RGB with an alpha channel that is
transparent in places), exif6 (a JPEG stored rotated, with EXIF orientation 6), noise (uniform
random pixels: the hardest case for a resize filter). Existing files are kept.
"""
import os
import sys
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ORIENTATION = 0x0112


def photo(width, height, seed):
    """A smooth colour field with texture, soft-edged shapes and sensor noise."""
    rng = np.random.default_rng(seed)
    base = Image.fromarray(rng.uniform(0, 255, (3, 4, 3)).astype(np.uint8)).resize((width, height), Image.BICUBIC)
    grain = rng.normal(128, 28, (height // 10 + 2, width // 10 + 2, 3)).clip(0, 255).astype(np.uint8)
    grain = np.asarray(Image.fromarray(grain).resize((width, height), Image.BILINEAR), np.float32) - 128
    img = Image.fromarray((np.asarray(base, np.float32) + grain).clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.uniform(-0.1, 0.9, 2) * (width, height)
        w, h = rng.uniform(0.1, 0.5, 2) * (width, height)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        edge = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.rectangle([x, y, x + w, y + h], fill=colour, outline=edge, width=int(rng.integers(1, 5)))
        else:
            draw.ellipse([x, y, x + w, y + h], fill=colour, outline=edge, width=int(rng.integers(1, 5)))
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    noisy = np.asarray(img, np.float32) + rng.normal(0, 4, (height, width, 3))
    return Image.fromarray(noisy.round().clip(0, 255).astype(np.uint8))


def make(name, path):
    stem, ext = os.path.splitext(name)
    kind, size = stem.split("_", 1)
    width, height = (int(v) for v in size.split("x"))
    seed = zlib.crc32(name.encode())
    if kind == "photo":
        img = photo(width, height, seed)
    elif kind == "grey":
        img = photo(width, height, seed).convert("L")
    elif kind == "rgba":
        img = photo(width, height, seed).convert("RGBA")
        alpha = np.full((height, width), 255, np.uint8)
        alpha[:, : width // 4] = 0  # a transparent band
        alpha[height // 2 :, width // 2 :] = np.linspace(0, 255, width - width // 2, dtype=np.uint8)  # a ramp
        img.putalpha(Image.fromarray(alpha))
    elif kind == "noise":
        img = Image.fromarray(np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8))
    elif kind == "exif6":
        # Orientation 6 shows the stored raster turned 90° clockwise, so it is stored H×W.
        img = photo(width, height, seed).transpose(Image.Transpose.ROTATE_90)
        exif = Image.Exif()
        exif[ORIENTATION] = 6
        img.save(path, quality=92, exif=exif)
        return
    else:
        raise SystemExit(f"make_images: unknown kind in {name!r}")
    if ext == ".jpg":
        img.save(path, quality=92)
    else:
        img.save(path, compress_level=1)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:]:
        path = os.path.join(out, name)
        if not os.path.exists(path):
            make(name, path + ".partial" + os.path.splitext(name)[1])
            os.replace(path + ".partial" + os.path.splitext(name)[1], path)


if __name__ == "__main__":
    main()
