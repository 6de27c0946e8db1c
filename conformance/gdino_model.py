"""transformers' Grounding DINO with seeded random weights, and its ONNX export in GroundLabel's flavour B.

The export keeps the image size and the prompt length dynamic. Tracing records Python control flow
as it ran for the example, so a few functions of transformers 5.17 that branch on sizes, or turn
traced sizes into constants, are swapped for the duration of the export (`dynamic_size_patches`).
Each replacement computes the same values as the original; the conformance run checks the result
against PyTorch running the unpatched code.
"""
import contextlib
import warnings

import torch
import torch.nn.functional as F

SIZES = ("tiny", "full")
INPUT_NAMES = ["pixel_values", "input_ids", "token_type_ids", "attention_mask", "pixel_mask"]
OUTPUT_NAMES = ["logits", "pred_boxes"]
# With untrained heads, every box sits on its anchor and every score near 0.5. Redrawing the last
# box layer, damping the decoder's final norm and zeroing the query positions spreads both out, so
# there are boxes and a range of scores to compare; the cost of a forward pass is unchanged.
BOX_LAYER_STD = 0.4
DECODER_NORM_SCALE = 0.1


def config(size):
    from transformers import BertConfig, GroundingDinoConfig, SwinConfig

    if size == "tiny":
        # The same architecture at about 3M parameters (mostly BERT's word embeddings).
        return GroundingDinoConfig(
            backbone_config=SwinConfig(
                embed_dim=24, depths=[1, 1, 2, 1], num_heads=[1, 1, 2, 2], out_indices=[2, 3, 4]
            ).to_dict(),
            text_config=BertConfig(
                hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128
            ).to_dict(),
            d_model=32,
            encoder_layers=1,
            decoder_layers=2,
            encoder_ffn_dim=64,
            decoder_ffn_dim=64,
            encoder_attention_heads=2,
            decoder_attention_heads=2,
            num_queries=50,
        )
    if size == "full":
        # Grounding DINO-T (IDEA-Research/grounding-dino-tiny): Swin-T, BERT-base, 900 queries.
        return GroundingDinoConfig(
            backbone_config=SwinConfig(out_indices=[2, 3, 4]).to_dict(),
            text_config=BertConfig().to_dict(),
        )
    raise ValueError(f"unknown size {size!r}; expected one of {SIZES}")


def build(size, seed):
    from transformers import GroundingDinoForObjectDetection

    torch.manual_seed(seed)
    model = GroundingDinoForObjectDetection(config(size)).eval()
    draw = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        done = set()
        for head in model.bbox_embed:  # the decoder layers may share one head
            weight = head.layers[-1].weight
            if id(weight) not in done:
                done.add(id(weight))
                weight.copy_(torch.randn(weight.shape, generator=draw) * BOX_LAYER_STD)
        model.model.decoder.layer_norm.weight.mul_(DECODER_NORM_SCALE)
        model.model.query_position_embeddings.weight.zero_()
    return model


def processor(vocab_file):
    """GroundingDinoProcessor with a BERT tokenizer made from a local vocab.txt (no download)."""
    from transformers import BertTokenizerFast, GroundingDinoImageProcessorPil, GroundingDinoProcessor
    from transformers.models.bert.tokenization_bert import load_vocab

    tokenizer = BertTokenizerFast(vocab=load_vocab(vocab_file), do_lower_case=True)
    return GroundingDinoProcessor(image_processor=GroundingDinoImageProcessorPil(), tokenizer=tokenizer)


def traceable_text_masks(input_ids):
    """transformers' generate_masks_with_special_tokens_and_transfer_map without isin/cummax/cummin.

    A token's block is told by how many delimiters come before it (equal counts = same block, the
    closing delimiter included); its position is its distance from the last delimiter at or before it.
    """
    from transformers.models.grounding_dino.modeling_grounding_dino import SPECIAL_TOKENS

    delimiter = torch.zeros_like(input_ids, dtype=torch.bool)
    for token in SPECIAL_TOKENS:
        delimiter = delimiter | (input_ids == token)
    count = delimiter.long()
    before = torch.cumsum(count, dim=1) - count  # delimiters strictly before each token
    total = count.sum(dim=1, keepdim=True)
    last_is_delimiter = delimiter[:, -1:]
    index = torch.cumsum(torch.ones_like(input_ids), dim=1) - 1
    # transformers leaves out the blocks closed by the first or the last token, and text after the last delimiter.
    closed_by_first = (before == 0) & delimiter[:, :1]
    closed_by_last = last_is_delimiter & (before == total - 1)
    valid = ~closed_by_first & ~closed_by_last & (before < total)
    mask = (before.unsqueeze(2) == before.unsqueeze(1)) & valid.unsqueeze(1)
    mask = mask | (index.unsqueeze(2) == index.unsqueeze(1))
    at_or_before = delimiter.unsqueeze(1) & (index.unsqueeze(1) <= index.unsqueeze(2))
    previous = torch.where(at_or_before, index.unsqueeze(1), torch.full_like(index.unsqueeze(1), -1)).amax(dim=2)
    position_ids = torch.where(valid, index - previous - 1, torch.zeros_like(index)).clamp(min=0)
    return mask, position_ids.long()


class _CropRecorded(int):
    """A window pad amount that answers "> 0", so the crop after window attention is always traced
    (slicing to the unpadded size is a no-op where nothing was padded)."""

    def __gt__(self, other):
        return True


class _TracedSizeTorch:
    """`torch` as modeling_grounding_dino sees it while tracing: sizes that arrive as traced tensors
    stay tensors in as_tensor and linspace instead of being frozen into constants."""

    def __init__(self, module):
        self._torch = module

    def __getattr__(self, name):
        return getattr(self._torch, name)

    def as_tensor(self, data, dtype=None, device=None):
        t = self._torch
        rows = data if isinstance(data, (list, tuple)) else None
        if rows and any(isinstance(v, t.Tensor) for row in rows for v in (row if isinstance(row, (list, tuple)) else [row])):
            def cell(v):
                return v.to(dtype) if isinstance(v, t.Tensor) else t.tensor(v, dtype=dtype)

            return t.stack([t.stack([cell(v) for v in row]) for row in rows]).to(device=device)
        return t.as_tensor(data, dtype=dtype, device=device)

    def linspace(self, start, end, steps, dtype=None, device=None, **kwargs):
        t = self._torch
        if not isinstance(steps, t.Tensor):
            return t.linspace(start, end, steps, dtype=dtype, device=device, **kwargs)
        return (t.arange(steps, dtype=dtype, device=device) * ((end - start) / (steps - 1)) + start).to(dtype)


@contextlib.contextmanager
def dynamic_size_patches():
    import transformers.models.grounding_dino.modeling_grounding_dino as gd
    import transformers.models.swin.modeling_swin as swin

    def embed_pad(self, pixel_values, height, width):
        # Always pad (by 0 where the size divides): the original pads only when the traced size needed it.
        ph, pw = self.patch_size
        return F.pad(pixel_values, (0, (pw - width % pw) % pw, 0, (ph - height % ph) % ph))

    def merging_pad(self, features, height, width):
        return F.pad(features, (0, 0, 0, width % 2, 0, height % 2))

    window_pad = swin.SwinLayer.maybe_pad

    def layer_pad(self, hidden_states, height, width):
        padded, _ = window_pad(self, hidden_states, height, width)
        return padded, (0, 0, 0, _CropRecorded(0), 0, _CropRecorded(0))

    swaps = [
        (gd, "generate_masks_with_special_tokens_and_transfer_map", traceable_text_masks),
        (gd, "torch", _TracedSizeTorch(torch)),
        (swin.SwinPatchEmbeddings, "maybe_pad", embed_pad),
        (swin.SwinPatchMerging, "maybe_pad", merging_pad),
        (swin.SwinLayer, "maybe_pad", layer_pad),
    ]
    kept = [(owner, name, getattr(owner, name)) for owner, name, _ in swaps]
    try:
        for owner, name, value in swaps:
            setattr(owner, name, value)
        yield
    finally:
        for owner, name, value in reversed(kept):
            setattr(owner, name, value)


class _HuggingFaceIO(torch.nn.Module):
    """The model with the inputs and outputs of the Hugging Face ONNX exports (flavour B)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values, input_ids, token_type_ids, attention_mask, pixel_mask):
        out = self.model(
            pixel_values=pixel_values,
            input_ids=input_ids,
            token_type_ids=token_type_ids,
            attention_mask=attention_mask,
            pixel_mask=pixel_mask,
            return_dict=True,
        )
        return out.logits, out.pred_boxes


def export_onnx(model, example, path, opset):
    """TorchScript tracing (dynamo=False) with height, width and sequence length left dynamic."""
    seq = {1: "sequence_length"}
    with warnings.catch_warnings(), dynamic_size_patches():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _HuggingFaceIO(model).eval(),
            tuple(example[name] for name in INPUT_NAMES),
            path,
            input_names=INPUT_NAMES,
            output_names=OUTPUT_NAMES,
            opset_version=opset,
            dynamo=False,
            do_constant_folding=True,
            dynamic_axes={
                "pixel_values": {2: "height", 3: "width"},
                "pixel_mask": {1: "height", 2: "width"},
                "input_ids": seq,
                "token_type_ids": seq,
                "attention_mask": seq,
            },
        )
