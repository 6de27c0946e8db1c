import { createReadStream, createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';

/**
 * Reads entries out of a zip file (a NuGet package is one) without loading it whole: the central
 * directory first, then each wanted entry streamed through inflate to its file, its size and CRC
 * checked. Stored and deflated entries, zip64 sizes; no encryption, no multi-disk archives.
 */

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
  readonly encrypted: boolean;
}

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length)
    throw new ZipError(`the file ends at byte ${position + bytesRead}, inside its zip structure`);
  return buffer;
}

const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

/** The entries of the zip's central directory. */
export async function readZipEntries(file: string): Promise<ZipEntry[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    // The end record is the last 22 bytes, unless a comment (at most 65,535 bytes) follows it.
    const tailLength = Math.min(size, 22 + MAX16);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new ZipError('it is not a zip file (no end of central directory record)');
    let count = tail.readUInt16LE(at + 10);
    let dirSize = tail.readUInt32LE(at + 12);
    let dirOffset = tail.readUInt32LE(at + 16);
    if (count === MAX16 || dirSize === MAX32 || dirOffset === MAX32) {
      const locatorAt = at - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR)
        throw new ZipError('its zip64 end record is missing');
      const record = await readAt(handle, u64(tail, locatorAt + 8), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipError('its zip64 end record is damaged');
      count = u64(record, 32);
      dirSize = u64(record, 40);
      dirOffset = u64(record, 48);
    }
    if (dirOffset + dirSize > size) throw new ZipError('its central directory lies past the end of the file');
    const dir = await readAt(handle, dirOffset, dirSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL)
        throw new ZipError(`its central directory is damaged at entry ${i + 1}`);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      let compressedSize = dir.readUInt32LE(p + 20);
      let uncompressed = dir.readUInt32LE(p + 24);
      let localHeaderOffset = dir.readUInt32LE(p + 42);
      const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
      // Zip64: sizes and offset that do not fit 32 bits are in extra field 0x0001, in this order.
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = dir.readUInt16LE(e);
        const length = dir.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          const next = (): number => {
            const v = u64(dir, q);
            q += 8;
            return v;
          };
          if (uncompressed === MAX32) uncompressed = next();
          if (compressedSize === MAX32) compressedSize = next();
          if (localHeaderOffset === MAX32) localHeaderOffset = next();
        }
        e += 4 + length;
      }
      entries.push({
        name,
        method: dir.readUInt16LE(p + 10),
        crc: dir.readUInt32LE(p + 16),
        compressedSize,
        size: uncompressed,
        localHeaderOffset,
        encrypted: (dir.readUInt16LE(p + 8) & 1) === 1,
      });
      p = extraEnd + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Writes one entry's content to `dest`, checking its size and CRC-32. */
export async function extractZipEntry(file: string, entry: ZipEntry, dest: string): Promise<void> {
  if (entry.encrypted) throw new ZipError(`${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipError(`${entry.name} uses compression method ${entry.method}, not stored or deflate`);
  const handle = await open(file, 'r');
  let dataStart: number;
  try {
    const local = await readAt(handle, entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL) throw new ZipError(`the local header of ${entry.name} is damaged`);
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  let crc = 0;
  let written = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      written += chunk.length;
      done(null, chunk);
    },
  });
  const source =
    entry.compressedSize === 0
      ? Readable.from([Buffer.alloc(0)])
      : createReadStream(file, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  await pipeline([
    source,
    ...(entry.method === 8 ? [createInflateRaw()] : []),
    check,
    createWriteStream(dest, { mode: 0o755 }),
  ]);
  if (written !== entry.size) throw new ZipError(`${entry.name} holds ${written} bytes, not ${entry.size}`);
  if (crc >>> 0 !== entry.crc >>> 0) throw new ZipError(`${entry.name} does not match its CRC-32`);
}
