import { readFile } from 'node:fs/promises';
import type { TlsFiles } from './cli-arguments.js';
import { usageError } from './cli-error.js';

/** The PEM text of `--tls-ca`, `--tls-cert` and `--tls-key`, as Node's TLS options take it. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

/** Reads the TLS files; one that cannot be read is a usage error naming its option. */
export async function readTlsFiles(files: TlsFiles | undefined): Promise<TlsMaterial | undefined> {
  if (!files) return undefined;
  const material: TlsMaterial = {};
  const read = async (option: string, path: string | undefined): Promise<string | undefined> => {
    if (path === undefined) return undefined;
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw usageError(`--${option}: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  const [ca, cert, key] = await Promise.all([
    read('tls-ca', files.ca),
    read('tls-cert', files.cert),
    read('tls-key', files.key),
  ]);
  if (ca !== undefined) material.ca = ca;
  if (cert !== undefined) material.cert = cert;
  if (key !== undefined) material.key = key;
  return material;
}
