import { fileURLToPath } from 'node:url';

/**
 * The argv that runs one of Hivedesk's own modules in a Node process of its own: the same Node
 * (or Electron acting as Node, with ELECTRON_RUN_AS_NODE=1), and under tsx when Hivedesk runs
 * from its TypeScript sources. `from` is the caller's import.meta.url; `module` is relative to
 * it, without extension. tsx is named by its path, so the process needs no particular cwd.
 */
export function ownScriptArgv(from: string, module: string): string[] {
  const typescript = from.endsWith('.ts');
  const script = fileURLToPath(new URL(`${module}${typescript ? '.ts' : '.js'}`, from));
  return [process.execPath, ...(typescript ? ['--import', import.meta.resolve('tsx')] : []), script];
}
