import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NUGET_FEED } from '../main/install/nuget';
import { parseInstallCudaArgs } from './install-cuda-args';

const HEX = 'ab'.repeat(64);

describe('parseInstallCudaArgs', () => {
  it('installs from nuget.org by default', () => {
    expect(parseInstallCudaArgs([])).toEqual({ mode: 'install', feed: NUGET_FEED });
  });

  it('reads --from with its --sha512, and --download, as absolute paths', () => {
    expect(parseInstallCudaArgs(['--from', 'p.nupkg', '--sha512', HEX])).toEqual({
      mode: 'install',
      from: path.resolve('p.nupkg'),
      sha512: HEX,
      feed: NUGET_FEED,
    });
    expect(
      parseInstallCudaArgs(['--download', 'carry', '--feed', 'http://127.0.0.1:1/v3/index.json']),
    ).toEqual({
      mode: 'download',
      folder: path.resolve('carry'),
      feed: 'http://127.0.0.1:1/v3/index.json',
    });
  });

  it.each([
    [['--sha512', 'abc', '--from', 'p'], /--sha512 must be 128 hex digits/],
    [['--sha512', HEX], /--sha512 goes with --from/],
    [['--download', 'd', '--from', 'p'], /do not go together/],
    [['--feed', 'not an address'], /--feed must be an address/],
    [['extra'], /unexpected argument "extra"/],
  ])('refuses %j with a message naming the option', (argv, message) => {
    expect(() => parseInstallCudaArgs(argv)).toThrow(message);
  });
});
