/** The subcommands of `groundlabel` (src/cli/commands.ts), apart so the app can name them without loading them. */
export const COMMAND_NAMES = ['label', 'batch', 'convert', 'serve', 'merge', 'models'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const isCommandName = (name: string): name is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(name);
