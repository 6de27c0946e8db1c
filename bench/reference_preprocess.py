#!/usr/bin/python3
"""Reference timing of the ORIGINAL Grounding DINO repo's image preprocessing.

Mirrors groundingdino/util/inference.py load_image + datasets/transforms.py:
PIL open -> exif_transpose -> RGB -> RandomResize([800], max_size=1333) (PIL BILINEAR, as
torchvision's F.resize does on a PIL image) -> ToTensor (float32 / 255, CHW) -> Normalize.
numpy stands in for torch so it runs with Debian's python3-pil and python3-numpy alone.

usage: reference_preprocess.py REPS FILE...   -> JSON {"files": {FILE: {median_ms, ...}}, ...}
Exit 2 with {"unavailable": ...} when PIL or numpy is missing.
"""
import json
import statistics
import sys
import time

try:
    import numpy as np
    import PIL
    from PIL import Image, ImageOps
except ImportError as e:  # the bench prints the install hint
    print(json.dumps({"unavailable": str(e)}))
    sys.exit(2)

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def original_repo_size(w, h, size=800, max_size=1333):
    """transforms.py get_size_with_aspect_ratio: returns (w, h); round() is half-even in Python 3."""
    lo, hi = float(min(w, h)), float(max(w, h))
    if hi / lo * size > max_size:
        size = int(round(max_size * lo / hi))
    if (w <= h and w == size) or (h <= w and h == size):
        return w, h
    if w < h:
        return size, int(size * h / w)
    return int(size * w / h), size


def preprocess(path):
    image = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    image = image.resize(original_repo_size(*image.size), Image.BILINEAR)
    x = np.asarray(image, dtype=np.float32) / 255.0
    x = (x - MEAN) / STD
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def main():
    reps = int(sys.argv[1])
    out = {"python": sys.version.split()[0], "pil": PIL.__version__, "numpy": np.__version__, "files": {}}
    for path in sys.argv[2:]:
        chw = preprocess(path)  # warm-up: imports, allocator, page cache
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            preprocess(path)
            times.append((time.perf_counter() - t0) * 1000.0)
        out["files"][path] = {"median_ms": statistics.median(times), "shape": list(chw.shape), "reps": reps}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
