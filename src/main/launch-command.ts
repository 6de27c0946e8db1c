import path from 'node:path';
import { isCommandName, type CommandName } from '../cli/command-names';
import { folderArgument } from './launch-folder';

/**
 * The command line asked of the app's own binary (`groundlabel label …`, where the Linux packages
 * put the app on the PATH as `groundlabel`): its name, or null for a launch of the window. A folder
 * of that name in the working folder is opened instead, as it always was.
 */
export function commandOfLaunch(
  argv: readonly string[],
  options: { readonly cwd: string; readonly defaultApp: boolean },
  isFolder: (p: string) => boolean,
): CommandName | null {
  const first = folderArgument(argv, options);
  if (first === null) return null;
  const name = path.relative(options.cwd, first);
  return isCommandName(name) && !isFolder(first) ? name : null;
}

/**
 * What the app says instead of opening a window: the launcher shipped beside an installed app, or
 * the npm script in a checkout (`resourcesPath` null).
 */
export function commandLaunchMessage(
  name: CommandName,
  resourcesPath: string | null,
  platform: NodeJS.Platform,
): string {
  const run =
    resourcesPath === null
      ? `npm run ${name} -- --help`
      : `${path.join(resourcesPath, 'bin', platform === 'win32' ? 'groundlabel-cli.cmd' : 'groundlabel-cli')} ${name} --help`;
  return (
    `"${name}" is one of GroundLabel's command lines; the app itself only opens its window. ` +
    `Run it as:\n\n  ${run}\n\nIt needs Node.js 20.19 or newer.`
  );
}
