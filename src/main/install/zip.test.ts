import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../inference/__test__/helpers';
import { writeZip } from './__test__/zip-writer';
import { extractZipEntry, readZipEntries, ZipError } from './zip';

const newDir = tempDirs('zip');
const PYTHON_ZIP = fileURLToPath(new URL('./__test__/python-zipfile.zip', import.meta.url));

describe('readZipEntries and extractZipEntry', () => {
  it("read a zip made by Python's zipfile, deflated and stored entries, with a comment after the end record", async () => {
    const dir = await newDir();
    const entries = await readZipEntries(PYTHON_ZIP);
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      ['runtimes/linux-x64/native/libexample.so', 8],
      ['stored.txt', 0],
    ]);
    await extractZipEntry(PYTHON_ZIP, entries[0], path.join(dir, 'a'));
    await extractZipEntry(PYTHON_ZIP, entries[1], path.join(dir, 'b'));
    expect(await readFile(path.join(dir, 'a'), 'utf8')).toBe('made by Python zipfile '.repeat(20));
    expect(await readFile(path.join(dir, 'b'), 'utf8')).toBe('stored as is');
  });

  it('refuses an entry whose content does not match its CRC-32', async () => {
    const dir = await newDir();
    const zip = writeZip([{ name: 'x.so', data: Buffer.from('original content'), store: true }]);
    // Same length, other bytes: only the CRC can tell.
    zip.write('ORIGINAL', 30 + 'x.so'.length);
    const file = path.join(dir, 'tampered.zip');
    await writeFile(file, zip);
    const [entry] = await readZipEntries(file);
    await expect(extractZipEntry(file, entry, path.join(dir, 'x.so'))).rejects.toThrow(/CRC-32/);
  });

  it('says a file without an end record is not a zip', async () => {
    const file = path.join(await newDir(), 'not.zip');
    await writeFile(file, 'plain text, not a zip');
    await expect(readZipEntries(file)).rejects.toThrow(ZipError);
    await expect(readZipEntries(file)).rejects.toThrow(/not a zip file/);
  });

  it('says a zip cut short lost its central directory', async () => {
    const dir = await newDir();
    const zip = writeZip([{ name: 'big.so', data: Buffer.alloc(10_000, 7) }]);
    const file = path.join(dir, 'cut.zip');
    await writeFile(file, zip.subarray(0, zip.length - 30));
    await expect(readZipEntries(file)).rejects.toThrow(ZipError);
  });
});
