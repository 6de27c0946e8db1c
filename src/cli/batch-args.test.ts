import { describe, expect, it } from 'vitest';
import { parseBatchArgs } from './batch-args';
import { resumeCommand } from './batch-resume';

const base = ['--dataset', 'photos', '--model', 'm.onnx'];

describe('batch arguments', () => {
  it('says an empty prompt is empty, and a missing one missing', () => {
    expect(() => parseBatchArgs([...base, '--prompt', ''])).toThrow(
      '--prompt is empty: give the phrases to look for, such as --prompt "cat . dog"',
    );
    expect(() => parseBatchArgs(base)).toThrow('missing --prompt');
  });

  it('takes a built-in class list as the prompt with --preset, with the names the list gives its classes', () => {
    const args = parseBatchArgs([...base, '--preset', 'voc-20']);
    expect(args).toMatchObject({ phraseNames: { airplane: 'aeroplane', 'tv monitor': 'tvmonitor' } });
    expect(args !== 'help' && args.prompt).toMatch(/^airplane \. bicycle \. bird \. .* tv monitor \.$/);
    expect(() => parseBatchArgs([...base, '--preset', 'voc-20', '--prompt', 'cat .'])).toThrow(
      '--preset is the prompt: give --preset or --prompt, not both',
    );
    expect(() => parseBatchArgs([...base, '--preset', 'voc'])).toThrow(
      '--preset must be one of coco-80, voc-20, objects365, lvis-common, got "voc"',
    );
    expect(() => parseBatchArgs([...base, '--preset', 'voc-20', '--resume'])).toThrow(
      '--resume goes on with the saved job and its prompt; leave out --preset',
    );
  });

  it('reads --max-pixels', () => {
    expect(parseBatchArgs([...base, '--prompt', 'cat .', '--max-pixels', '300M'])).toMatchObject({
      maxPixels: 300_000_000,
    });
  });

  it('gives the resume command with the same dataset, model and device, quoting what a shell would split', () => {
    const args = parseBatchArgs([
      '--dataset',
      "/data/Bob's photos",
      '--model',
      'models/gd.onnx',
      '--prompt',
      'cat .',
      '--device',
      'cpu',
    ]);
    expect(args !== 'help' && resumeCommand(args)).toBe(
      `npm run batch -- --dataset '/data/Bob'\\''s photos' --model models/gd.onnx --device cpu --resume`,
    );
  });
});
