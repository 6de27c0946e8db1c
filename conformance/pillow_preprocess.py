#!/usr/bin/env python3
"""Pillow's side of the preprocessing benchmark (preprocess-speed.ts): the time transformers' Pillow
path takes to prepare each image, and the pixels it makes, to count levels against.

  python3 conformance/pillow_preprocess.py SPEC.json RESULT.json

SPEC: {"repeats": N, "outDir": DIR, "images": [{"id", "file", "width", "height"}]}, where width and
height are the size to resize to. Per image, each repetition times

- pixels: open, decode, ImageOps.exif_transpose, transparency flattened onto white, RGB, and
  Image.resize(BILINEAR) when the size differs: what GroundLabel's loadModelPixels does;
- tensor: the same, then the Pillow backend's rescale (1/255 in float64) and normalisation (ImageNet
  mean and std in float32) into a CHW float32 array: what the model is fed.

RESULT: per image the median, min and max of each, in milliseconds, and the file (DIR/<id>.rgb)
holding the resized 8-bit RGB pixels, row-major. Needs Pillow and numpy only.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
from PIL import Image, ImageOps

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def pixels(path, size):
    img = ImageOps.exif_transpose(Image.open(path))
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    img = img.convert("RGB")
    return img if img.size == size else img.resize(size, Image.BILINEAR)


def tensor(path, size):
    x = np.asarray(pixels(path, size)).astype(np.float64) * (1 / 255)
    x = (x.astype(np.float32) - MEAN) / STD
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def timed(fn, repeats):
    fn()  # warm-up: imports, allocator, page cache
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    os.makedirs(spec["outDir"], exist_ok=True)
    out = {"pillow": Image.__version__, "numpy": np.__version__, "images": {}}
    for item in spec["images"]:
        size = (item["width"], item["height"])
        rgb_file = os.path.join(spec["outDir"], item["id"] + ".rgb")
        np.asarray(pixels(item["file"], size), dtype=np.uint8).tofile(rgb_file)
        out["images"][item["id"]] = {
            "pixels": timed(lambda: pixels(item["file"], size), spec["repeats"]),
            "tensor": timed(lambda: tensor(item["file"], size), spec["repeats"]),
            "file": rgb_file,
        }
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
