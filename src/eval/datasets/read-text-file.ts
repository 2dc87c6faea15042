import { readFile } from 'node:fs/promises';
import { NsgenError } from '../../core/index.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a data file as UTF-8, refusing anything else: a wrongly encoded benchmark would
 * otherwise load with replacement characters in prompts and tests and score silently wrong.
 */
export async function readUtf8File(file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new NsgenError('IO_ERROR', `cannot read the data file (${reason})`, { where: file, cause: error });
  }
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw new NsgenError('INVALID_DATA', 'the file is not valid UTF-8 text; convert it to UTF-8 first', {
      where: file,
      cause: error,
    });
  }
}
