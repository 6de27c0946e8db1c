#!/usr/bin/env python3
"""Export transformers' Grounding DINO (seeded random weights) as a GroundLabel model folder, cached.

  python3 conformance/export_model.py --size tiny|full --cache DIR [--vocab vocab.txt] [--seed 0] [--quantised]

Writes DIR/<size>-<key>/ holding onnx/model.onnx (flavour B: pixel_values, input_ids, token_type_ids,
attention_mask, pixel_mask -> logits, pred_boxes; height, width and sequence length dynamic), the
processor's files (tokenizer.json, processor_config.json) and the PyTorch weights (config.json,
model.safetensors) that the reference loads. <key> hashes this script and gdino_model.py, the size, the
seed, the vocabulary and the torch/transformers/onnx versions, so the folder is rebuilt only when one
of them changes; older folders of the same size are removed. --quantised also writes
DIR/<size>-<key>-quantised/, the same folder with onnxruntime's dynamic (int8) quantisation of the
graph. Prints one JSON line: {"model": folder, "quantised": folder or null, "built": bool, "seconds": s}.
Nothing is downloaded.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
                   ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(key, value)

OPSET = 17
DONE = "export-complete.json"


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", choices=["tiny", "full"], required=True)
    p.add_argument("--cache", required=True, help="folder that holds the exports (git-ignored)")
    p.add_argument("--vocab", default=os.path.join(HERE, "..", "resources", "models", "bert-base-uncased", "vocab.txt"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quantised", action="store_true", help="also write the dynamically quantised graph")
    return p.parse_args()


def cache_key(args):
    """Hash of everything the export depends on, read without importing torch (a cache hit stays fast)."""
    h = hashlib.sha256()
    for name in ("export_model.py", "gdino_model.py"):
        with open(os.path.join(HERE, name), "rb") as f:
            h.update(f.read())
    with open(args.vocab, "rb") as f:
        h.update(f.read())
    h.update(f"{args.size} {args.seed} opset{OPSET}".encode())
    for package in ("torch", "transformers", "onnx"):
        h.update(f"{package}={metadata.version(package)}".encode())
    return h.hexdigest()[:12]


def complete(folder):
    return os.path.isfile(os.path.join(folder, DONE))


def check_text_masks():
    """The export's traceable mask builder must give what transformers' own gives, token for token."""
    import torch
    from transformers.models.grounding_dino import modeling_grounding_dino as gd

    import gdino_model

    rng = torch.Generator().manual_seed(7)
    for n in list(range(1, 12)) + [40, 97]:
        for _ in range(25):
            ids = torch.randint(2000, 2010, (2, n), generator=rng)
            ids[torch.rand((2, n), generator=rng) < 0.3] = 1012
            ids[:, 0] = 101
            if n > 1 and torch.rand(1, generator=rng).item() < 0.8:
                ids[:, -1] = 102
            want_mask, want_pos = gd.generate_masks_with_special_tokens_and_transfer_map(ids)
            got_mask, got_pos = gdino_model.traceable_text_masks(ids)
            if not (torch.equal(want_mask, got_mask) and torch.equal(want_pos, got_pos)):
                raise SystemExit(f"export_model: the traceable text masks differ from transformers' for {ids.tolist()}")


def export(args, folder):
    import numpy as np
    import torch
    from PIL import Image

    import gdino_model

    torch.set_num_threads(max(1, min(16, os.cpu_count() or 1)))
    check_text_masks()
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "onnx"))
    model = gdino_model.build(args.size, args.seed)
    proc = gdino_model.processor(args.vocab)
    model.save_pretrained(tmp)
    proc.save_pretrained(tmp)
    # A trace example whose size pads at every Swin stage and whose prompt has three phrases.
    image = Image.fromarray(np.random.default_rng(args.seed).integers(0, 255, (480, 640, 3), dtype=np.uint8))
    example = proc(images=image, text="cat . remote control . person .", return_tensors="pt")
    gdino_model.export_onnx(model, example, os.path.join(tmp, "onnx", "model.onnx"), OPSET)
    with open(os.path.join(tmp, DONE), "w") as f:
        json.dump({"size": args.size, "seed": args.seed, "parameters": sum(p.numel() for p in model.parameters())}, f)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def quantise(folder, target):
    from onnxruntime.quantization import quantize_dynamic

    tmp = target + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(folder, tmp, ignore=shutil.ignore_patterns("*.onnx", DONE))
    quantize_dynamic(os.path.join(folder, "onnx", "model.onnx"), os.path.join(tmp, "onnx", "model.onnx"))
    shutil.copy(os.path.join(folder, DONE), os.path.join(tmp, DONE))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)


def main():
    args = parse()
    sys.path.insert(0, HERE)
    if not os.path.isfile(args.vocab):
        sys.exit(f"export_model: no vocabulary at {args.vocab}; pass --vocab")
    started = time.time()
    os.makedirs(args.cache, exist_ok=True)
    key = cache_key(args)
    folder = os.path.join(args.cache, f"{args.size}-{key}")
    built = False
    if not complete(folder):
        for old in os.listdir(args.cache):  # exports of this size made by other code or versions
            if old.startswith(f"{args.size}-") and not old.startswith(f"{args.size}-{key}"):
                shutil.rmtree(os.path.join(args.cache, old), ignore_errors=True)
        export(args, folder)
        built = True
    quantised = None
    if args.quantised:
        quantised = folder + "-quantised"
        if not complete(quantised):
            quantise(folder, quantised)
            built = True
    print(json.dumps({"model": folder, "quantised": quantised, "built": built,
                      "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    main()
