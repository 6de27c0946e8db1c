/**
 * The editing side of the kill test (kill-test.ts): opens the store and edits as fast as it can,
 * printing `ack <relPath> <sequence>` after each acknowledged edit, until it is killed.
 */
import { ProjectStore } from './project-store';

const [root, imagesArg, startArg] = process.argv.slice(2);
const images = Array.from({ length: Number(imagesArg) }, (_, i) => `img-${i}.jpg`);
// A short debounce so kills land in every phase: journal append, label-file writes, journal removal.
const store = await ProjectStore.open(root, { debounceMs: 5, lock: { label: 'kill test editor' } });
process.stdout.write('ready\n');
for (let seq = Number(startArg); ; seq++) {
  const relPath = images[seq % images.length];
  await store.putImage({
    relPath,
    width: 100000,
    height: 100000,
    reviewed: true,
    boxes: [{ id: 'b', classId: 'c', x1: seq, y1: 0, x2: seq + 1, y2: 1, origin: { kind: 'manual' } }],
  });
  process.stdout.write(`ack ${relPath} ${seq}\n`);
}
