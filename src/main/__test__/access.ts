import { tmpdir } from 'node:os';
import { FolderAccess } from '../fs/folder-access';

/** Services under test may use the system's temp folder, where every test makes its own folders. */
export const tempFolderAccess = (): FolderAccess => new FolderAccess([tmpdir()]);
