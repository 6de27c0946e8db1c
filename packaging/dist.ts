/**
 * `npm run dist [-- --arch x64|arm64] [--platform linux|win32|darwin]`: the installers of one
 * platform and processor, this machine's by default, into dist/. `npm run build` has made out/.
 */
import { parseArgs } from 'node:util';
import { Arch, build, Platform } from 'electron-builder';
import { BUILDER_CONFIG } from './builder-config';
import { DIST_TARGETS, distFailureMessage, distTargetOf } from './targets';

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: process.arch },
    platform: { type: 'string', default: process.platform },
  },
});
const chosen = distTargetOf(values.platform, values.arch);
if (!chosen.ok) {
  process.stderr.write(`${chosen.reason}\n`);
  process.exit(2);
}
const { platform, arch } = chosen.target;
const entry = DIST_TARGETS[platform];
try {
  const files = await build({
    targets: Platform.fromString(entry.builderKey).createTarget([...entry.targets], Arch[arch]),
    config: BUILDER_CONFIG,
    publish: 'never',
  });
  process.stdout.write(`${files.join('\n')}\n`);
} catch (e) {
  process.stderr.write(`\n${distFailureMessage(e, chosen.target)}\n`);
  // electron-builder leaves handles open after a failed download: stop here.
  process.exit(1);
}
