// electron-builder reads a TypeScript configuration itself (through jiti).
import { BUILDER_CONFIG } from './builder-config';

export default BUILDER_CONFIG;
