import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLaunchMessage, commandOfLaunch } from './launch-command';

const cwd = path.resolve('/home/a');
const installed = { cwd, defaultApp: false };
const noFolders = () => false;

describe('a command line asked of the app binary', () => {
  it('is recognised by its name, before its options', () => {
    expect(
      commandOfLaunch(['/opt/GroundLabel/groundlabel', 'label', '--images', 'x'], installed, noFolders),
    ).toBe('label');
    expect(
      commandOfLaunch(['/usr/bin/electron', '.', 'models', 'list'], { cwd, defaultApp: true }, noFolders),
    ).toBe('models');
  });

  it('leaves a folder launch alone, also a folder named like a command', () => {
    expect(commandOfLaunch(['/opt/GroundLabel/groundlabel', 'photos'], installed, noFolders)).toBeNull();
    expect(commandOfLaunch(['/opt/GroundLabel/groundlabel'], installed, noFolders)).toBeNull();
    const labelFolder = (p: string) => p === path.join(cwd, 'label');
    expect(commandOfLaunch(['/opt/GroundLabel/groundlabel', 'label'], installed, labelFolder)).toBeNull();
  });

  it('is answered with the launcher shipped beside the app, or the npm script in a checkout', () => {
    expect(commandLaunchMessage('batch', '/opt/GroundLabel/resources', 'linux')).toContain(
      `\n  ${path.join('/opt/GroundLabel/resources', 'bin', 'groundlabel-cli')} batch --help\n`,
    );
    expect(commandLaunchMessage('batch', 'C:\\GroundLabel\\resources', 'win32')).toContain(
      'groundlabel-cli.cmd batch',
    );
    expect(commandLaunchMessage('batch', null, 'linux')).toContain('\n  npm run batch -- --help\n');
  });
});
