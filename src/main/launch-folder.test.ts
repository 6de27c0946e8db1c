import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderArgument, folderOfSecondLaunch } from './launch-folder';

const packaged = { cwd: '/home/ann', defaultApp: false };
const unpackaged = { cwd: '/home/ann', defaultApp: true };

describe('folderArgument', () => {
  it('finds the folder after the executable, resolved against the working folder', () => {
    expect(folderArgument(['/opt/GroundLabel/groundlabel', 'photos'], packaged)).toBe(
      path.resolve('/home/ann', 'photos'),
    );
    expect(folderArgument(['/opt/GroundLabel/groundlabel', '/data/set'], packaged)).toBe(
      path.resolve('/data/set'),
    );
  });

  it('skips the app path of an unpackaged app and every flag', () => {
    expect(
      folderArgument(
        ['/usr/lib/electron', '.', '--no-sandbox', '--enable-logging=stderr', '-psn_0_12345', 'photos'],
        unpackaged,
      ),
    ).toBe(path.resolve('/home/ann', 'photos'));
  });

  it('finds the app path of an unpackaged app after the flags a debugger puts first', () => {
    const argv = [
      '/usr/lib/electron',
      '--inspect=0',
      '--remote-debugging-port=0',
      '/work/app/out/main/index.js',
    ];
    expect(folderArgument(argv, unpackaged)).toBeNull();
    expect(folderArgument([...argv, '--no-sandbox', 'photos'], unpackaged)).toBe(
      path.resolve('/home/ann', 'photos'),
    );
  });

  it('gives null when the launch names no folder', () => {
    expect(folderArgument(['/opt/GroundLabel/groundlabel'], packaged)).toBeNull();
    expect(folderArgument(['/usr/lib/electron', '/work/app', '--inspect=9229'], unpackaged)).toBeNull();
    expect(folderArgument(['/opt/GroundLabel/groundlabel', ''], packaged)).toBeNull();
  });
});

describe('folderOfSecondLaunch', () => {
  it('takes the folder the second launch sent, not its switches as Chromium passed them on', () => {
    const argv = ['/opt/GroundLabel/groundlabel', '--allow-file-access-from-files', 'elsewhere'];
    expect(folderOfSecondLaunch({ folder: '/data/set' }, argv, packaged)).toBe(path.resolve('/data/set'));
    expect(folderOfSecondLaunch({ folder: null }, argv, packaged)).toBeNull();
  });

  it('falls back to the command line when the second launch sent nothing it understands', () => {
    const argv = ['/opt/GroundLabel/groundlabel', 'photos'];
    expect(folderOfSecondLaunch(undefined, argv, packaged)).toBe(path.resolve('/home/ann', 'photos'));
    expect(folderOfSecondLaunch({ folder: 42 }, argv, packaged)).toBe(path.resolve('/home/ann', 'photos'));
  });
});
