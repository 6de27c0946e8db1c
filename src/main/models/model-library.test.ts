import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModels, type FixtureModelPaths } from '../../../test/fixtures/model-folders';
import { BUNDLED_VOCAB_PATH, caught, tempDirs } from '../inference/__test__/helpers';
import { sha256File } from './hash-file';
import { ModelLibrary, MODEL_MANIFEST } from './model-library';

const tempDir = tempDirs('model-library');
let fixtures: FixtureModelPaths;

beforeAll(async () => {
  fixtures = await writeFixtureModels(path.join(await tempDir(), 'fixtures'));
});

const library = async () => new ModelLibrary(path.join(await tempDir(), 'models'), BUNDLED_VOCAB_PATH);

describe('ModelLibrary', () => {
  it('copies a checked model folder in and lists its flavour, inputs, size, source and sha256', async () => {
    const lib = await library();
    const model = await lib.addFromDisk(fixtures.flavourB, 'copy');
    const sha256 = await sha256File(path.join(fixtures.flavourB, 'model.onnx'));
    expect(model).toMatchObject({
      id: 'colour-fixture-b',
      name: 'Colour fixture B',
      flavour: 'B',
      storage: 'copy',
      source: { kind: 'disk', path: fixtures.flavourB },
      sha256,
      sha256From: 'computed',
      path: path.join(lib.dir, 'colour-fixture-b', '.'),
    });
    expect(model.inputs.map((i) => i.name)).toContain('pixel_values');
    expect(model.files.map((f) => f.path)).toEqual(['groundlabel.json', 'model.onnx']);
    expect(model.bytes).toBe(model.files.reduce((n, f) => n + f.bytes, 0));
    expect(await readFile(path.join(model.path, 'model.onnx'))).toEqual(
      await readFile(path.join(fixtures.flavourB, 'model.onnx')),
    );
    expect((await lib.list()).installed).toEqual([model]);
  });

  it('links a model in place: removing it later leaves the files where they were', async () => {
    const lib = await library();
    const model = await lib.addFromDisk(fixtures.flavourA, 'link', { name: 'Mine' });
    expect(model).toMatchObject({ id: 'mine', storage: 'link', path: fixtures.flavourA });
    expect(await readdir(path.join(lib.dir, 'mine'))).toEqual([MODEL_MANIFEST]);
    await lib.remove('mine');
    expect((await lib.list()).installed).toEqual([]);
    expect(existsSync(path.join(fixtures.flavourA, 'model.onnx'))).toBe(true);
  });

  it('copies a single .onnx file together with its descriptor', async () => {
    const lib = await library();
    const dir = await tempDir();
    await copyFile(path.join(fixtures.flavourASmall, 'model.onnx'), path.join(dir, 'small.onnx'));
    await copyFile(
      path.join(fixtures.flavourASmall, 'groundlabel.json'),
      path.join(dir, 'small.groundlabel.json'),
    );
    const model = await lib.addFromDisk(path.join(dir, 'small.onnx'), 'copy');
    expect(model.files.map((f) => f.path).sort()).toEqual(['small.groundlabel.json', 'small.onnx']);
    expect(model.path).toBe(path.join(lib.dir, model.id, 'small.onnx'));
  });

  it('refuses a model that is no Grounding DINO export with the usual message, leaving nothing behind', async () => {
    const lib = await library();
    const e = await caught(() => lib.addFromDisk(fixtures.flavourC, 'copy'), 'model-unsupported');
    expect(e.message).toContain('flavour C');
    const invalid = await caught(() => lib.addFromDisk(fixtures.notOnnx, 'copy'), 'model-invalid');
    expect(invalid.message).toContain(fixtures.notOnnx);
    expect(await readdir(lib.dir).catch(() => [])).toEqual([]);
  });

  it('refuses a model whose sha256 is not the one expected, adding nothing', async () => {
    const lib = await library();
    const e = await caught(
      () => lib.addFromDisk(fixtures.flavourB, 'copy', { sha256: '0'.repeat(64) }),
      'model-invalid',
    );
    expect(e.message).toContain(`not the ${'0'.repeat(64)} expected; nothing was added`);
    expect(await readdir(lib.dir)).toEqual([]);
  });

  it('records a sha256 that matched the one given as given', async () => {
    const lib = await library();
    const sha256 = await sha256File(path.join(fixtures.flavourB, 'model.onnx'));
    expect(await lib.addFromDisk(fixtures.flavourB, 'copy', { sha256 })).toMatchObject({
      sha256,
      sha256From: 'given',
    });
  });

  it('gives two models of one name two ids', async () => {
    const lib = await library();
    const a = await lib.addFromDisk(fixtures.flavourB, 'link');
    const b = await lib.addFromDisk(fixtures.flavourB, 'link');
    expect([a.id, b.id]).toEqual(['colour-fixture-b', 'colour-fixture-b-2']);
  });

  it('lists models copied into the folder by hand as found, apart from its own', async () => {
    const lib = await library();
    await lib.addFromDisk(fixtures.flavourB, 'copy');
    await mkdir(path.join(lib.dir, 'by-hand'));
    await writeFile(path.join(lib.dir, 'loose.onnx'), 'x');
    const { found } = await lib.list();
    expect(found.map((f) => path.basename(f.path)).sort()).toEqual(['by-hand', 'loose.onnx']);
  });

  it('says so when a linked model has moved away', async () => {
    const lib = await library();
    const dir = path.join(await tempDir(), 'movable');
    await mkdir(dir);
    await copyFile(path.join(fixtures.flavourA, 'model.onnx'), path.join(dir, 'model.onnx'));
    const model = await lib.addFromDisk(dir, 'link');
    await rename(dir, `${dir}-moved`);
    expect((await lib.get(model.id)).problem).toContain(`${dir} is not there any more`);
  });

  it('refuses to remove a model it does not have, or a name that is no model id', async () => {
    const lib = await library();
    await caught(() => lib.remove('absent'), 'model-not-found');
    await caught(() => lib.remove('../fixtures'), 'bad-argument');
  });
});
