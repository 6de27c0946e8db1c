import { describe, expect, it } from 'vitest';
import { BUILT_IN_PRESETS } from '../shared/prompt/presets';
import { parseLabelArgs } from './label-args';

const base = ['--model', 'm.onnx', '--images', 'imgs', '--prompt', 'cat .', '--out', 'out'];

describe('parseLabelArgs', () => {
  it("takes a built-in class list as the prompt with --preset, exported under the list's class names", () => {
    const noPrompt = ['--model', 'm.onnx', '--images', 'imgs', '--out', 'out'];
    const args = parseLabelArgs([...noPrompt, '--preset', 'voc-20', '--classes', 'person=human']);
    if (args === 'help') throw new Error('expected arguments');
    expect(args.prompt).toBe(BUILT_IN_PRESETS.find((b) => b.id === 'voc-20')!.preset.prompt);
    expect(args.classes.get('potted plant')).toBe('pottedplant');
    expect(args.classes.get('person')).toBe('human');
    expect(() => parseLabelArgs([...base, '--preset', 'voc-20'])).toThrow(
      '--preset is the prompt: give --preset or --prompt, not both',
    );
    expect(() => parseLabelArgs([...noPrompt, '--preset', 'coco'])).toThrow(
      '--preset must be one of coco-80, voc-20, objects365, lvis-common, got "coco"',
    );
    expect(() => parseLabelArgs(noPrompt)).toThrow('missing --prompt');
  });

  it('fills in the defaults', () => {
    expect(parseLabelArgs(base)).toMatchObject({
      model: 'm.onnx',
      format: 'coco',
      device: 'auto',
      boxThreshold: undefined,
      nmsIou: undefined,
      copyImages: false,
      perPhrase: false,
    });
  });

  it('reads phrases by default, and referring expressions with one box each under --rec', () => {
    expect(parseLabelArgs(base)).not.toHaveProperty('rec');
    expect(parseLabelArgs([...base, '--rec'])).toMatchObject({ rec: { topK: 1 } });
    expect(parseLabelArgs([...base, '--rec', '--top-k', '3'])).toMatchObject({ rec: { topK: 3 } });
  });

  it('reads every option', () => {
    const args = parseLabelArgs([
      ...base,
      ...['--format', 'yolo', '--box-threshold', '0.4', '--text-threshold', '0.3', '--nms-iou', 'off'],
      ...[
        '--device',
        'cpu',
        '--input-size',
        '800x1200',
        '--classes',
        'cat=animal',
        '--copy-images',
        '--per-phrase',
      ],
    ]);
    expect(args).toMatchObject({
      format: 'yolo',
      boxThreshold: 0.4,
      textThreshold: 0.3,
      nmsIou: null,
      device: 'cpu',
      inputSize: { height: 800, width: 1200 },
      copyImages: true,
      perPhrase: true,
    });
    expect(args !== 'help' && [...args.classes]).toEqual([['cat', 'animal']]);
  });

  it.each([
    [['--format', 'xml'], '--format must be one of coco, yolo, voc'],
    [['--box-threshold', '0'], '--box-threshold must be a number between 0 and 1'],
    [['--text-threshold', 'abc'], '--text-threshold must be a number between 0 and 1'],
    [['--nms-iou', '2'], '--nms-iou must be a number between 0 and 1'],
    [['--device', 'tpu'], '--device must be one of auto, cpu, cuda, dml, coreml, webgpu'],
    [['--input-size', '800'], '--input-size must look like 800x1200'],
    [['--classes', 'cat'], '--classes: "cat" is not of the form phrase=class'],
    [['--unknown'], "Unknown option '--unknown'"],
  ])('refuses %j naming the option', (extra, message) => {
    expect(() => parseLabelArgs([...base, ...extra])).toThrow(
      expect.objectContaining({ code: 'bad-argument', message: expect.stringContaining(message) }),
    );
  });

  it('lists every missing required option', () => {
    expect(() => parseLabelArgs(['--model', 'm.onnx'])).toThrow('missing --images, --prompt, --out');
  });

  it('says an empty prompt is empty, rather than missing', () => {
    for (const prompt of ['', '  ', ' . '])
      expect(() => parseLabelArgs([...base, '--prompt', prompt])).toThrow(
        '--prompt is empty: give the phrases to look for, such as --prompt "cat . dog"',
      );
  });

  it('reads --max-pixels as a number of pixels or megapixels, and refuses anything else', () => {
    expect(parseLabelArgs(base)).not.toHaveProperty('maxPixels');
    expect(parseLabelArgs([...base, '--max-pixels', '250000000'])).toMatchObject({ maxPixels: 250_000_000 });
    expect(parseLabelArgs([...base, '--max-pixels', '250M'])).toMatchObject({ maxPixels: 250_000_000 });
    expect(parseLabelArgs([...base, '--max-pixels', '1.5mp'])).toMatchObject({ maxPixels: 1_500_000 });
    for (const raw of ['0', 'lots', '1e9'])
      expect(() => parseLabelArgs([...base, '--max-pixels', raw])).toThrow(`--max-pixels must be`);
  });

  it('answers help', () => {
    expect(parseLabelArgs(['--help'])).toBe('help');
  });

  it('reads --shard K/N, and --shard auto with --shards', () => {
    expect(parseLabelArgs([...base, '--shard', '1/4'])).toMatchObject({
      shard: { request: { kind: 'fixed', shard: { index: 1, count: 4 } } },
    });
    expect(parseLabelArgs([...base, '--shard', 'auto', '--shards', '8'])).toMatchObject({
      shard: { request: { kind: 'auto' }, count: 8 },
    });
    expect(parseLabelArgs(base)).not.toHaveProperty('shard');
  });

  it.each([
    [['--shard', '4/4'], '--shard 4/4: the shard index must be a whole number from 0 to 3'],
    [['--shards', '4'], '--shards is the shard count of --shard auto'],
    [['--shard', '0/2', '--format', 'yolo'], '--format cannot go with --shard'],
    [['--shard', 'auto', '--copy-images'], '--copy-images cannot go with --shard'],
  ])('refuses %j naming the option', (extra, message) => {
    expect(() => parseLabelArgs([...base, ...extra])).toThrow(
      expect.objectContaining({ code: 'bad-argument', message: expect.stringContaining(message) }),
    );
  });
});
