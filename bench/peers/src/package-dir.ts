import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/peers, whose results/ the reports go to, and whose git revision and packages they name. */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
