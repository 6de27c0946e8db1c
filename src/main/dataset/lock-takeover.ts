import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { GroundLabelError, messageOf } from '../../shared/errors';

/** A takeover is a read, a compare and an unlink: a claim this old was left by a crash. */
const ABANDONED_MS = 10_000;
/** How long an opener waits for another's takeover before looking again. */
export const CLAIM_WAIT_MS = 10;

/** For `.catch`: a file already gone is what removing it wanted. */
export const ignoreMissing = (e: NodeJS.ErrnoException): void => {
  if (e.code !== 'ENOENT') throw e;
};

/**
 * Runs `takeOver` while holding `<lock>.takeover`, created exclusively. Openers that judged the same
 * lock stale take turns: without them, one could remove the lock another had just created in its
 * place, and both would think they hold the dataset. Gives 'busy' (after a short wait) while
 * another opener holds the claim; a claim older than any takeover takes is removed as abandoned.
 */
export async function whileClaimed<T>(lockFile: string, takeOver: () => Promise<T>): Promise<T | 'busy'> {
  const claim = `${lockFile}.takeover`;
  const mine = randomUUID();
  let handle;
  try {
    handle = await open(claim, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new GroundLabelError('io-failed', `Could not create ${claim}: ${messageOf(e)}`, { cause: e });
    const since = await stat(claim).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (since > ABANDONED_MS) await unlink(claim).catch(ignoreMissing);
    else await sleep(CLAIM_WAIT_MS);
    return 'busy';
  }
  try {
    await handle.writeFile(mine);
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await unlink(claim).catch(() => undefined);
    throw new GroundLabelError('io-failed', `Could not write ${claim}: ${messageOf(e)}`, { cause: e });
  }
  try {
    return await takeOver();
  } finally {
    // Only this claim: one removed as abandoned meanwhile may have been followed by another's.
    if ((await readFile(claim, 'utf8').catch(() => '')) === mine) await unlink(claim).catch(ignoreMissing);
  }
}
