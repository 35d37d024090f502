import { type FileHandle, lstat, mkdir, open, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Read at a time; a chunk of zeros costs one comparison. */
const CHUNK = 4 * 1024 * 1024;
/** The granularity of holes: a file system block. */
const BLOCK = 4096;
const ZEROS = Buffer.alloc(CHUNK);

export interface CopyOptions {
  signal: AbortSignal;
  /** Called after each chunk with the bytes of the source read since the last call. */
  onBytes: (bytes: number) => void;
}

/**
 * Copies a file so that its holes stay holes: every block of zeros is skipped, not written, and
 * the size is set at the end, so a 16 GiB disk image the guest has barely written takes as little
 * space as the source (like `cp --sparse=always`). Node cannot ask for holes (SEEK_HOLE), so
 * zeros are found by reading them, a few GB/s. Refuses to overwrite; stops at `signal`.
 */
export async function copySparse(from: string, to: string, options: CopyOptions): Promise<void> {
  const source = await open(from, 'r');
  try {
    const { size, mode } = await source.stat();
    const target = await open(to, 'wx', mode & 0o7777);
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (let at = 0; at < size; ) {
        options.signal.throwIfAborted();
        const { bytesRead } = await source.read(buffer, 0, CHUNK, at);
        if (bytesRead === 0) break;
        await writeData(target, buffer.subarray(0, bytesRead), at);
        at += bytesRead;
        options.onBytes(bytesRead);
      }
      await target.truncate(size);
      await target.sync();
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** Writes the runs of blocks that are not all zeros, each where it belongs. */
async function writeData(target: FileHandle, chunk: Buffer, offset: number): Promise<void> {
  if (isZero(chunk)) return;
  let start = -1;
  for (let at = 0; ; at += BLOCK) {
    const end = at >= chunk.length;
    const zero = end || isZero(chunk.subarray(at, at + BLOCK));
    if (!zero && start < 0) start = at;
    if (zero && start >= 0) {
      await target.write(chunk, start, Math.min(at, chunk.length) - start, offset + start);
      start = -1;
    }
    if (end) return;
  }
}

function isZero(bytes: Buffer): boolean {
  return bytes.compare(ZEROS, 0, bytes.length) === 0;
}

export interface TreeEntry {
  /** Relative to the tree's root, with `/`. */
  path: string;
  kind: 'file' | 'dir' | 'link';
  size: number;
}

/**
 * What a copy of `dir` takes: files, directories and links (sockets and other special files
 * belong to a running process and are left out), minus the top-level names `skip` refuses.
 */
export async function listTree(dir: string, skip: (name: string) => boolean, prefix = ''): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (prefix === '' && skip(name)) continue;
    const path = `${prefix}${name}`;
    const info = await lstat(join(dir, name));
    if (info.isSymbolicLink()) entries.push({ path, kind: 'link', size: 0 });
    else if (info.isDirectory()) entries.push({ path, kind: 'dir', size: 0 }, ...(await listTree(join(dir, name), skip, `${path}/`)));
    else if (info.isFile()) entries.push({ path, kind: 'file', size: info.size });
  }
  return entries;
}

export interface TreeCopyOptions {
  signal: AbortSignal;
  /** Like CopyOptions' onBytes, with the file being copied. */
  onBytes: (bytes: number, path: string) => void;
}

/** Copies the entries `listTree` found, in its order (a directory before what it holds). */
export async function copyTree(from: string, to: string, entries: readonly TreeEntry[], options: TreeCopyOptions): Promise<void> {
  for (const entry of entries) {
    options.signal.throwIfAborted();
    const [source, target] = [join(from, entry.path), join(to, entry.path)];
    if (entry.kind === 'dir') await mkdir(target);
    else if (entry.kind === 'link') await symlink(await readlink(source), target);
    else await copySparse(source, target, { signal: options.signal, onBytes: (bytes) => options.onBytes(bytes, entry.path) });
  }
}
