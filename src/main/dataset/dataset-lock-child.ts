/**
 * A second GroundLabel process for the lock tests (dataset-lock.process.test.ts).
 *  - `edit <root>`: opens the dataset, prints `ready`, then edits without pause, printing
 *    `ack <relPath> <sequence>` once each edit is acknowledged, until it is killed. Label files are
 *    never written out, so every acknowledged edit lives in the journal only.
 *  - `open <root>`: tries to open the dataset and prints the outcome as one JSON line.
 */
import { isGroundLabelError, messageOf } from '../../shared/errors';
import { ProjectStore } from './project-store';

const IMAGES = 8;
const [mode, root] = process.argv.slice(2);

if (mode === 'open') {
  try {
    const store = await ProjectStore.open(root, { lock: { label: 'lock test opener' } });
    process.stdout.write(`${JSON.stringify({ ok: true, notice: store.lockNotice })}\n`);
    await store.close();
  } catch (e) {
    const code = isGroundLabelError(e) ? e.code : 'unexpected';
    process.stdout.write(`${JSON.stringify({ ok: false, code, message: messageOf(e) })}\n`);
  }
} else if (mode === 'edit') {
  const store = await ProjectStore.open(root, { debounceMs: 600_000, lock: { label: 'lock test editor' } });
  process.stdout.write('ready\n');
  for (let seq = 1; ; seq++) {
    const relPath = `img-${seq % IMAGES}.png`;
    await store.putImage({
      relPath,
      width: 100_000,
      height: 100_000,
      reviewed: true,
      boxes: [{ id: 'b', classId: 'c', x1: seq, y1: 0, x2: seq + 1, y2: 1, origin: { kind: 'manual' } }],
    });
    process.stdout.write(`ack ${relPath} ${seq}\n`);
  }
} else {
  process.stderr.write(`usage: dataset-lock-child.ts edit|open <dataset folder>\n`);
  process.exit(2);
}
