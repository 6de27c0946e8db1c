#!/usr/bin/env python3
"""The reference side of the conformance run: transformers' own Grounding DINO pipeline.

  python3 conformance/reference.py SPEC.json RESULT.json

SPEC names the model folder (an export_model.py folder: PyTorch weights + processor files), the
images, the prompts with the text passes GroundLabel plans for each, which image × prompt pairs to
run through the model, the thresholds, a folder for the pixel tensors and, optionally, bare
(width, height) pairs to size by the processor's rule. For each of them this writes what
transformers gives:

- pixels: GroundingDinoProcessor.from_pretrained(folder) on the image, as float32 CHW in a .f32
  file, and the same tensor from the torchvision backend's resize (torch's uint8 antialiased
  bilinear, then the fused normalisation), computed here with torch alone;
- text: the processor's input_ids, attention_mask and token_type_ids, and the text self-attention
  mask and position ids of generate_masks_with_special_tokens_and_transfer_map, for the prompt as
  written and for each of GroundLabel's passes;
- detections: GroundingDinoForObjectDetection.from_pretrained(folder) and
  post_process_grounded_object_detection per pass (boxes in the oriented image, score, its own
  text label), plus the phrase that GroundLabel's rule gives each kept query from the same logits.

transformers takes RGB only: images are oriented with ImageOps.exif_transpose, grey is expanded and
transparency flattened onto white first, which is what GroundLabel does with them.
"""
import json
import os
import sys
import time

for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
                   ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(key, value)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402
from transformers import GroundingDinoForObjectDetection, GroundingDinoProcessor  # noqa: E402
from transformers.models.grounding_dino.modeling_grounding_dino import (  # noqa: E402
    SPECIAL_TOKENS,
    generate_masks_with_special_tokens_and_transfer_map,
)


def rgb(path):
    """The image as GroundLabel sees it: oriented, 3 channels, transparency flattened onto white."""
    img = ImageOps.exif_transpose(Image.open(path))
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return img.convert("RGB")


def torchvision_backend_pixels(img, height, width, processor):
    """The torchvision backend's result: torch's uint8 antialiased bilinear resize, then (x - 255·mean) / (255·std)."""
    ip = processor.image_processor
    x = torch.from_numpy(np.asarray(img).copy()).permute(2, 0, 1).unsqueeze(0)
    if (height, width) != tuple(x.shape[-2:]):
        x = torch.nn.functional.interpolate(x, size=(height, width), mode="bilinear", align_corners=False, antialias=True)
    mean = torch.tensor(ip.image_mean) * (1.0 / ip.rescale_factor)
    std = torch.tensor(ip.image_std) * (1.0 / ip.rescale_factor)
    return ((x[0].to(torch.float32) - mean[:, None, None]) / std[:, None, None]).numpy()


def text_inputs(processor, caption):
    enc = processor.tokenizer(caption, return_tensors="pt", return_token_type_ids=True)
    mask, positions = generate_masks_with_special_tokens_and_transfer_map(enc["input_ids"])
    n = enc["input_ids"].shape[1]
    return {
        "input_ids": enc["input_ids"][0].tolist(),
        "attention_mask": enc["attention_mask"][0].tolist(),
        "token_type_ids": enc["token_type_ids"][0].tolist(),
        "position_ids": positions[0].tolist(),
        # n×n, row-major, as a string of 0/1 to keep the file small
        "text_mask": "".join("1" if v else "0" for v in mask[0].reshape(n * n).tolist()),
    }


def phrase_spans(ids):
    """Token ranges [start, end) of the phrases: between two delimiters, not counting the closing one."""
    spans, prev = [], 0
    for c, token in enumerate(ids):
        if token in SPECIAL_TOKENS and c not in (0, len(ids) - 1):
            spans.append((prev + 1, c))
        if token in SPECIAL_TOKENS:
            prev = c
    return spans


def groundlabel_phrase(row_logits, spans):
    """GroundLabel's rule: the phrase holding the query's top token, else the highest mean probability."""
    top = int(np.argmax(row_logits))
    for i, (start, end) in enumerate(spans):
        if start <= top < end:
            return i
    probs = 1 / (1 + np.exp(-row_logits.astype(np.float64)))
    means = [probs[s:e].mean() if e > s else 0.0 for s, e in spans]
    return int(np.argmax(means))


def detect(model, processor, img, caption, first_phrase, thresholds):
    inputs = processor(images=img, text=caption, return_tensors="pt")
    with torch.no_grad():
        out = model(**inputs)
    height, width = img.height, img.width
    result = processor.post_process_grounded_object_detection(
        out, inputs["input_ids"], threshold=thresholds["box"], text_threshold=thresholds["text"],
        target_sizes=[(height, width)],
    )[0]
    ids = inputs["input_ids"][0].tolist()
    n = min(len(ids), out.logits.shape[-1])
    logits = out.logits[0].numpy()
    probs = torch.sigmoid(out.logits[0]).max(dim=-1)[0]
    kept = torch.nonzero(probs > thresholds["box"]).flatten().tolist()  # the same rule and order as post-processing
    spans = phrase_spans(ids[:n])
    found = []
    for j, q in enumerate(kept):
        found.append({
            "box": [float(v) for v in result["boxes"][j].tolist()],
            "score": float(result["scores"][j]),
            "label": result["text_labels"][j],
            "phraseIndex": first_phrase + groundlabel_phrase(logits[q, :n], spans),
            "query": q,
        })
    return found


def main():
    spec_file, result_file = sys.argv[1], sys.argv[2]
    with open(spec_file) as f:
        spec = json.load(f)
    torch.set_num_threads(max(1, min(16, os.cpu_count() or 1)))
    started = time.time()
    processor = GroundingDinoProcessor.from_pretrained(spec["model"])
    result = {
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "pillow": Image.__version__, "numpy": np.__version__},
        "imageProcessor": type(processor.image_processor).__name__,
        "pixels": {}, "text": {}, "detections": {}, "truncation": {},
    }
    os.makedirs(spec["pixelDir"], exist_ok=True)
    images = {}
    for item in spec["images"]:
        img = rgb(item["file"])
        images[item["id"]] = img
        pv = processor.image_processor(images=img, return_tensors="np")["pixel_values"][0].astype(np.float32)
        tv = torchvision_backend_pixels(img, pv.shape[1], pv.shape[2], processor)
        files = {}
        for which, tensor in (("pil", pv), ("torchvision", tv)):
            files[which] = os.path.join(spec["pixelDir"], f"{item['id']}.{which}.f32")
            np.ascontiguousarray(tensor, dtype="<f4").tofile(files[which])
        result["pixels"][item["id"]] = {"shape": list(pv.shape), "original": [img.width, img.height], "files": files}

    max_text = None
    for prompt in spec["prompts"]:
        whole = text_inputs(processor, prompt["text"])
        runs = [text_inputs(processor, run["caption"]) for run in prompt["runs"]]
        result["text"][prompt["id"]] = {"whole": whole, "runs": runs}

    pairs = spec.get("pairs", [])
    if pairs:
        model = GroundingDinoForObjectDetection.from_pretrained(spec["model"]).eval()
        max_text = model.config.max_text_len
        by_id = {p["id"]: p for p in spec["prompts"]}
        for image_id, prompt_id in pairs:
            prompt = by_id[prompt_id]
            found = []
            for run_index, run in enumerate(prompt["runs"]):
                for d in detect(model, processor, images[image_id], run["caption"], run["firstPhrase"], spec["thresholds"]):
                    d["run"] = run_index
                    found.append(d)
            result["detections"][f"{image_id}|{prompt_id}"] = found
    for prompt in spec["prompts"]:
        ids = result["text"][prompt["id"]]["whole"]["input_ids"]
        limit = max_text or 256
        if len(ids) > limit:
            # transformers' model keeps the first max_text_len tokens of a longer caption.
            lost = [s for s, e in phrase_spans(ids) if e > limit]
            result["truncation"][prompt["id"]] = {"tokens": len(ids), "kept": limit,
                                                  "phrases": len(phrase_spans(ids)), "phrasesCut": len(lost)}
    if spec.get("sizes"):
        # transformers' resize rule on bare (width, height) pairs, with the folder's own size setting.
        from transformers.image_transforms import get_size_with_aspect_ratio

        size = processor.image_processor.size
        result["sizes"] = [list(get_size_with_aspect_ratio((h, w), size.shortest_edge, size.longest_edge))
                           for w, h in spec["sizes"]]
    result["seconds"] = round(time.time() - started, 2)
    with open(result_file + ".partial", "w") as f:
        json.dump(result, f)
    os.replace(result_file + ".partial", result_file)


if __name__ == "__main__":
    main()
