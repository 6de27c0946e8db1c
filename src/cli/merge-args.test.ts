import { describe, expect, it } from 'vitest';
import { parseMergeArgs } from './merge-args';

describe('parseMergeArgs', () => {
  it('takes every folder after --from, as a shell glob hands them over', () => {
    expect(parseMergeArgs(['--from', 'run/shard-0-of-2', 'run/shard-1-of-2', '--out', 'coco'])).toEqual({
      from: ['run/shard-0-of-2', 'run/shard-1-of-2'],
      out: 'coco',
      format: 'coco',
      allowMissing: false,
      copyImages: false,
    });
  });

  it('reads every option', () => {
    expect(
      parseMergeArgs([
        ...['--from', 'a', '--from', 'b', '--format', 'yolo', '--allow-missing', '--into-project', 'ds'],
        ...['--images', 'imgs', '--copy-images'],
      ]),
    ).toEqual({
      from: ['a', 'b'],
      format: 'yolo',
      allowMissing: true,
      intoProject: 'ds',
      images: 'imgs',
      copyImages: true,
    });
  });

  it.each([
    [['--out', 'o'], 'missing --from'],
    [['--from', 'run'], 'missing --out (or --into-project)'],
    [['--from', 'run', '--out', 'o', '--format', 'xml'], '--format must be one of coco, yolo, voc'],
    [['--from', 'run', '--out', 'o', '--shards', '2'], "Unknown option '--shards'"],
  ])('refuses %j naming the option', (argv, message) => {
    expect(() => parseMergeArgs(argv)).toThrow(
      expect.objectContaining({ code: 'bad-argument', message: expect.stringContaining(message) }),
    );
  });
});
