import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveEdit, viaService } from '../../../test/fixtures/edits';
import { drawScene } from '../../../test/fixtures/images';
import { tempDirs } from '../inference/__test__/helpers';
import { previewLabelImport } from '../services/import-service';
import { DatasetService } from './dataset-service';

const tempDir = tempDirs('label-sources');
const NEVER = 600_000;

async function put(root: string, relPath: string, data: Buffer | string): Promise<void> {
  const file = path.join(root, ...relPath.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, data);
}

/** Images labelled by a flat YOLO tool: classes.txt and a .txt beside each labelled image. */
async function yoloFolder(): Promise<string> {
  const root = await tempDir();
  const image = await drawScene({ width: 40, height: 30, rects: [] });
  await put(root, 'a.png', image);
  await put(root, 'b.png', image);
  await put(root, 'classes.txt', 'cat\n');
  await put(root, 'a.txt', '0 0.5 0.5 0.25 0.25\n');
  return root;
}

describe('label sources at open', () => {
  it('offers labels found in a fresh project, at a path the importer reads', async () => {
    const d = await DatasetService.open(await yoloFolder(), { debounceMs: NEVER });
    const sources = d.snapshot().labelSources;
    expect(sources).toEqual([
      { format: 'yolo', path: '.', evidence: { kind: 'manifest', file: 'classes.txt', files: 1 } },
    ]);
    const preview = await previewLabelImport(d, { format: sources![0].format, path: sources![0].path });
    expect(preview.matched).toBe(1);
    await d.close();
  });

  it('stops offering them once an image is annotated, and does not look again at the next open', async () => {
    const root = await yoloFolder();
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    expect(d.snapshot().labelSources).toHaveLength(1);
    await saveEdit(viaService(d), d.idFor('b.png'), { reviewed: true });
    expect(d.snapshot()).not.toHaveProperty('labelSources');
    await d.close();
    const again = await DatasetService.open(root, { debounceMs: NEVER });
    expect(again.labelSources).toEqual([]);
    expect(again.snapshot()).not.toHaveProperty('labelSources');
    await again.close();
  });

  it('leaves the snapshot without labelSources when the folder holds only images', async () => {
    const root = await tempDir();
    await put(root, 'a.png', await drawScene({ width: 40, height: 30, rects: [] }));
    const d = await DatasetService.open(root, { debounceMs: NEVER });
    expect(d.snapshot()).not.toHaveProperty('labelSources');
    await d.close();
  });
});
