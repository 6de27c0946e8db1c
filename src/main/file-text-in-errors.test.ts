import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageOf } from '../shared/errors';
import { parseJsonText } from '../shared/json-text';
import { DatasetService } from './dataset/dataset-service';
import { STORE_DIR } from './dataset/project-store';
import { loadTokenizer } from './inference/tokenizer';
import { BUNDLED_VOCAB_PATH, tempDirs } from './inference/__test__/helpers';
import { locateModel } from './inference/model-folder';
import { readBatchJob } from './jobs/batch-file';

const tempDir = tempDirs('file-text');
/** What a file that is not GroundLabel's might hold; none of it may reach a message. */
const SECRET = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1';
const leaks = (message: string) => /root:x|daemon|bin\/bash/.test(message);

async function put(file: string, text: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

const failure = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
  } catch (e) {
    return messageOf(e);
  }
  throw new Error('expected a failure');
};

describe('a file that is not JSON', () => {
  it('is reported by name and line, never by its text', () => {
    const message = failure(async () => parseJsonText(`{\n${SECRET}`, 'x.json'));
    return expect(message).resolves.toMatch(/^x\.json:2 is not valid JSON/);
  });

  it('never has its text quoted, whichever file GroundLabel was reading', async () => {
    const root = await tempDir();
    const messages: string[] = [];
    // The project file of a dataset.
    const project = path.join(root, 'project');
    await put(path.join(project, STORE_DIR, 'project.json'), SECRET);
    messages.push(await failure(() => DatasetService.open(project)));
    // A label file: its image opens read-only with the reason.
    const labels = path.join(root, 'labels');
    await put(path.join(labels, 'a.png'), '');
    await put(path.join(labels, STORE_DIR, 'labels', 'a.png.json'), SECRET);
    const d = await DatasetService.open(labels);
    messages.push(d.snapshot().readOnly['a.png'] ?? 'not read-only');
    await d.close();
    // A batch job's file.
    const batch = path.join(root, 'batch');
    await put(path.join(batch, STORE_DIR, 'batch.json'), SECRET);
    messages.push(await failure(() => readBatchJob(batch)));
    // A model folder's descriptor and tokenizer.
    const model = path.join(root, 'model');
    await put(path.join(model, 'groundlabel.json'), SECRET);
    messages.push(await failure(() => locateModel(model)));
    await put(path.join(root, 'tok', 'tokenizer.json'), SECRET);
    messages.push(await failure(() => loadTokenizer(path.join(root, 'tok'), BUNDLED_VOCAB_PATH)));

    expect(messages).toHaveLength(5);
    for (const message of messages) {
      expect(message).toMatch(/not valid JSON/);
      expect(leaks(message), message).toBe(false);
    }
  });
});
