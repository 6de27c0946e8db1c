import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editOf, saveEdit, viaService } from '../../../test/fixtures/edits';
import { drawScene } from '../../../test/fixtures/images';
import { box, cls, meta } from '../__test__/docs';
import { caught, tempDirs } from '../inference/__test__/helpers';
import { DatasetService } from './dataset-service';
import { STORE_DIR } from './project-store';

const tempDir = tempDirs('save-checks');
const NEVER = 600_000;

const png = (width: number, height: number, colour: 'red' | 'green' = 'red') =>
  drawScene({ width, height, rects: [{ colour, x1: 2, y1: 2, x2: 10, y2: 10 }] });

/** A folder holding `frame_0001.png` at the given size, with one class `c1` in its project. */
async function folder(width = 64, height = 48, colour: 'red' | 'green' = 'red'): Promise<DatasetService> {
  const root = await tempDir();
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'frame_0001.png'), await png(width, height, colour));
  const d = await DatasetService.open(root, { debounceMs: NEVER });
  await d.saveMeta(meta([cls('c1', 'thing')]));
  return d;
}

const labelFile = (d: DatasetService) => path.join(d.root, STORE_DIR, 'labels', 'frame_0001.png.json');

describe('saving an image names its dataset, file, size and revision', () => {
  it('gives images of the same name in two folders different ids', async () => {
    const [p, q] = await Promise.all([folder(), folder()]);
    expect(p.id).not.toBe(q.id);
    expect(p.idFor('frame_0001.png')).not.toBe(q.idFor('frame_0001.png'));
    await Promise.all([p.close(), q.close()]);
  });

  it('refuses a save made for another folder and writes nothing', async () => {
    const [p, q] = await Promise.all([folder(640, 480), folder(451, 300, 'green')]);
    const edit = await editOf(viaService(p), p.idFor('frame_0001.png'), {
      boxes: [box('c1')],
      reviewed: true,
    });
    // The same request sent to Q (as a page still showing P would): its dataset id gives it away.
    const error = await caught(() => q.save({ ...edit, id: q.idFor('frame_0001.png') }), 'dataset-mismatch');
    expect(error.message).toContain(q.root);
    expect(q.store.get('frame_0001.png')).toBeUndefined();
    await Promise.all([p.close(), q.close()]);
  });

  it('refuses a save made on a file that was replaced since it was opened', async () => {
    const d = await folder();
    const id = d.idFor('frame_0001.png');
    const edit = await editOf(viaService(d), id, { boxes: [box('c1')] });
    await writeFile(path.join(d.root, 'frame_0001.png'), await png(64, 48, 'green'));
    const error = await caught(() => d.save(edit), 'dataset-mismatch');
    expect(error.message).toContain('changed on disk');
    expect(d.store.get('frame_0001.png')).toBeUndefined();
    await d.close();
  });

  it('refuses a document of another size than the image', async () => {
    const d = await folder(64, 48);
    const edit = await editOf(viaService(d), d.idFor('frame_0001.png'), { width: 640, height: 480 });
    const error = await caught(() => d.save(edit), 'dataset-mismatch');
    expect(error.message).toContain('640×480');
    expect(error.message).toContain('64×48');
    await d.close();
  });

  it('refuses a box whose class the project does not have, naming the class', async () => {
    const d = await folder();
    const error = await caught(
      () => saveEdit(viaService(d), d.idFor('frame_0001.png'), { boxes: [box('c1'), box('elsewhere')] }),
      'bad-argument',
    );
    expect(error.message).toContain('elsewhere');
    expect(d.store.get('frame_0001.png')).toBeUndefined();
    await d.close();
  });

  it('counts revisions and refuses an edit made on an older one, keeping the newer document', async () => {
    const d = await folder();
    const id = d.idFor('frame_0001.png');
    const images = viaService(d);
    const first = await editOf(images, id, { boxes: [box('c1')] });
    const second = await editOf(images, id, { reviewed: true });
    expect(await d.save(first)).toEqual({ status: 'reviewed', revision: 1 });
    // `second` was read at revision 0, before `first` landed: it would drop first's box.
    const error = await caught(() => d.save(second), 'edit-conflict');
    expect(error.message).toMatch(/revision 1.*revision 0/);
    expect(d.store.get('frame_0001.png')?.boxes).toHaveLength(1);
    // Read again, the edit goes through on top of the newer version.
    expect(await saveEdit(images, id, (doc) => ({ ...doc, reviewed: true }))).toEqual({
      status: 'reviewed',
      revision: 2,
    });
    await d.store.flush();
    const stored = JSON.parse(await readFile(labelFile(d), 'utf8')) as { revision: number; boxes: unknown[] };
    expect(stored).toMatchObject({ revision: 2, boxes: [expect.anything()] });
    await d.close();
  });

  it('lets only one of two saves made on the same revision through, even when sent at once', async () => {
    const d = await folder();
    const id = d.idFor('frame_0001.png');
    const images = viaService(d);
    const [a, b] = await Promise.all([
      editOf(images, id, { boxes: [box('c1')] }),
      editOf(images, id, { boxes: [box('c1'), box('c1')] }),
    ]);
    const results = await Promise.allSettled([d.save(a), d.save(b)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(d.store.revisionOf('frame_0001.png')).toBe(1);
    await d.close();
  });

  it('shows labels made on an image of another size read-only instead of letting them be rewritten', async () => {
    const d = await folder(64, 48);
    const id = d.idFor('frame_0001.png');
    await saveEdit(viaService(d), id, { boxes: [box('c1')] });
    await d.close();
    await writeFile(path.join(d.root, 'frame_0001.png'), await png(80, 60));
    const again = await DatasetService.open(d.root, { debounceMs: NEVER });
    const detail = await again.image(again.idFor('frame_0001.png'));
    expect(detail.readOnlyReason).toContain('64×48');
    expect(detail.readOnlyReason).toContain('80×60');
    // Nor saved over, even by a save that names everything right.
    await caught(
      () => saveEdit(viaService(again), again.idFor('frame_0001.png'), { boxes: [] }),
      'label-file-invalid',
    );
    expect(again.store.get('frame_0001.png')?.boxes).toHaveLength(1);
    await again.close();
  });

  it('counts revisions of the class list and refuses a change made on an older one', async () => {
    const d = await folder();
    const read = d.store.getMeta();
    expect(read.revision).toBe(1);
    const saved = await d.saveMeta(meta([cls('c1', 'thing'), cls('c2', 'other')]), read.revision);
    expect(saved.revision).toBe(2);
    // A window that read revision 1 and drops c2 by saving its older list is refused.
    const error = await caught(() => d.saveMeta(meta([cls('c1', 'thing')]), read.revision), 'edit-conflict');
    expect(error.message).toMatch(/class list was changed elsewhere/);
    expect(d.store.getMeta().classes.map((c) => c.id)).toEqual(['c1', 'c2']);
    await d.close();
  });
});
