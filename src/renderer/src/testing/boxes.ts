import type { Detection } from '../../../shared/detection';
import type { BoxRecord } from '../../../shared/project';
import type { DocState } from '../editor/types';

/** Small builders for editor tests. */
export const manual = (id: string, x1 = 10, y1 = 10, x2 = 50, y2 = 50, classId = 'c1'): BoxRecord => ({
  id,
  classId,
  x1,
  y1,
  x2,
  y2,
  origin: { kind: 'manual' },
});

export const suggestion = (
  id: string,
  score = 0.5,
  box: [number, number, number, number] = [10, 10, 50, 50],
  classId = 'c1',
): BoxRecord => ({
  id,
  classId,
  x1: box[0],
  y1: box[1],
  x2: box[2],
  y2: box[3],
  origin: { kind: 'suggestion', score, phrase: 'cat', rawText: 'cat' },
});

export const docWith = (boxes: BoxRecord[], reviewed = false): DocState => ({
  relPath: 'a.jpg',
  width: 200,
  height: 100,
  reviewed,
  boxes: new Map(boxes.map((b) => [b.id, b])),
});

/** A detection of one phrase, as the model returns it. */
export const detection = (
  phrase: string,
  score: number,
  [x1, y1, x2, y2]: [number, number, number, number] = [10, 10, 50, 50],
): Detection => ({ box: { x1, y1, x2, y2 }, score, phrase, phraseIndex: 0, rawText: phrase });
