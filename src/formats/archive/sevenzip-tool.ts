/**
 * 7-Zip itself (npm `7z-wasm`: 7-Zip 24.09 compiled to WebAssembly, no
 * native code, nothing fetched at run time) listing and extracting one
 * archive inside its own in-memory file system. Nothing touches the
 * disk; every call gets a fresh instance, so one archive cannot affect
 * the next. The archive's declared sizes are checked by the caller
 * between listing and extracting: 7-Zip never writes more than an entry
 * declares (it stops at the folder's unpack size and checks the CRC).
 */
import type { SevenZipModule, SevenZipModuleFactory, SevenZipModuleOptions } from '7z-wasm';

/**
 * The package is CommonJS whose typings say `export default`: take the
 * factory whichever way it arrives. Loaded on the first 7z archive only
 * (about 20 ms of start-up that scans without 7z files do not pay).
 */
let factoryPromise: Promise<SevenZipModuleFactory> | undefined;
function loadFactory(): Promise<SevenZipModuleFactory> {
  factoryPromise ??= import('7z-wasm').then((m) => ((m as unknown as { default?: SevenZipModuleFactory }).default ?? m) as unknown as SevenZipModuleFactory);
  return factoryPromise;
}

export interface SevenZipEntry {
  path: string;
  size: number;
  /** Directory, symbolic link or plain file, from the attributes. */
  kind: 'dir' | 'link' | 'file';
  encrypted: boolean;
  method: string;
}

export interface SevenZipRun {
  /** 7-Zip's exit code (0 = OK, 1 = warning, 2 = fatal error). */
  code: number;
  /** Lines 7-Zip wrote to stderr and error lines from stdout. */
  errors: string[];
}

/** A password is always passed, so 7-Zip never prompts for one on an encrypted archive. */
const NO_PASSWORD = '-pmodelguard-no-password';

export class SevenZipTool {
  private readonly mod: SevenZipModule;
  private out: string[] = [];
  private err: string[] = [];

  private constructor(mod: SevenZipModule, sink: { tool?: SevenZipTool }) {
    this.mod = mod;
    sink.tool = this;
  }

  static async open(archive: Uint8Array): Promise<SevenZipTool> {
    const sink: { tool?: SevenZipTool } = {};
    const options: Partial<SevenZipModuleOptions> = {
      print: (s: string) => sink.tool?.out.push(s),
      printErr: (s: string) => sink.tool?.err.push(s),
      stdin: () => null as unknown as number, // end of input: never wait for a password
    };
    const mod = await (await loadFactory())(options);
    const tool = new SevenZipTool(mod, sink);
    mod.FS.mkdir('/in');
    mod.FS.mkdir('/out');
    mod.FS.writeFile('/in/archive.7z', archive);
    return tool;
  }

  /** Runs 7-Zip; emscripten sets process.exitCode on a non-zero exit, which is restored. */
  private run(args: string[]): { code: number; stdout: string[]; errors: string[] } {
    this.out = [];
    this.err = [];
    const saved = process.exitCode;
    let code: number;
    try {
      // 7z-wasm declares callMain as void; Emscripten returns main's exit status.
      const mod = this.mod as unknown as { callMain(argv: string[]): unknown };
      const ret = mod.callMain(args);
      code = typeof ret === 'number' ? ret : 0;
    } catch (e) {
      code = 2;
      this.err.push(`7-Zip stopped: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      process.exitCode = saved;
    }
    const errors = [...this.err, ...this.out.filter((l) => /^(ERROR|Error|WARNING|Warning):|Data Error|CRC Failed|Wrong password|Unsupported/i.test(l.trim()))]
      .map((l) => l.trim())
      .filter((l) => l !== '');
    return { code, stdout: this.out, errors };
  }

  list(): SevenZipRun & { entries: SevenZipEntry[] } {
    const r = this.run(['l', '-slt', '-ba', '-t7z', NO_PASSWORD, '/in/archive.7z']);
    const entries: SevenZipEntry[] = [];
    let cur: Record<string, string> = {};
    const flush = (): void => {
      const path = cur['Path'];
      if (path !== undefined) {
        const attrs = cur['Attributes'] ?? '';
        const kind = attrs.startsWith('D') || / d[rwx-]{9}/.test(attrs) ? 'dir' : / l[rwx-]{9}/.test(attrs) ? 'link' : 'file';
        entries.push({ path, size: Number(cur['Size'] ?? '0') || 0, kind, encrypted: cur['Encrypted'] === '+', method: cur['Method'] ?? '' });
      }
      cur = {};
    };
    for (const line of r.stdout) {
      const m = /^([A-Za-z ]+?) = (.*)$/.exec(line);
      if (m === null) {
        if (line.trim() === '') flush();
        continue;
      }
      if (m[1] === 'Path' && cur['Path'] !== undefined) flush();
      cur[m[1] as string] = m[2] as string;
    }
    flush();
    return { code: r.code, errors: r.errors, entries };
  }

  /** Extracts everything under /out (7-Zip strips unsafe path parts itself). */
  extract(): SevenZipRun {
    const r = this.run(['x', '-t7z', '-y', NO_PASSWORD, '-o/out', '/in/archive.7z']);
    return { code: r.code, errors: r.errors };
  }

  /** Regular files extracted, with paths relative to the output, in a stable order. */
  files(): { path: string; data: Uint8Array }[] {
    const found: { path: string; data: Uint8Array }[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const name of this.mod.FS.readdir(dir).sort()) {
        if (name === '.' || name === '..') continue;
        const full = `${dir}/${name}`;
        const st = this.mod.FS.lstat(full);
        if (this.mod.FS.isDir(st.mode)) walk(full, `${rel}${name}/`);
        else if (this.mod.FS.isFile(st.mode)) found.push({ path: rel + name, data: this.mod.FS.readFile(full) });
      }
    };
    walk('/out', '');
    return found;
  }
}
