/**
 * Type errors of one TypeScript candidate from the compiler API, checked in memory.
 *
 * The program holds three kinds of file: the candidate (new on every check), a small
 * declaration file of Node globals test harnesses use (`console`, `require`, `process`,
 * timers, shorthand declarations of Node's built-in modules), and the standard library
 * (`lib.es2023`: Node 20, which runs the candidates, implements ES2023, so `toSorted` or
 * `findLast` must not read as errors). Library source files are parsed once per process and handed to every
 * program, and each check passes the previous program as `oldProgram`, so a check costs
 * one parse of the candidate plus a type-checker pass. Only the candidate's diagnostics are
 * reported.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { Diagnostic } from '../../src/core/index.js';

const CANDIDATE_FILE = '/nsgen/candidate.ts';
const GLOBALS_FILE = '/nsgen/node-globals.d.ts';

const NODE_MODULES = [
  'assert',
  'assert/strict',
  'buffer',
  'child_process',
  'crypto',
  'events',
  'fs',
  'fs/promises',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'string_decoder',
  'timers',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

/** Just enough of Node for harness-style code: anything richer is typed `any`. */
const NODE_GLOBALS = `
interface Console {
  log(...data: any[]): void;
  error(...data: any[]): void;
  warn(...data: any[]): void;
  info(...data: any[]): void;
  debug(...data: any[]): void;
  assert(condition?: boolean, ...data: any[]): void;
  table(data: any, columns?: string[]): void;
  trace(...data: any[]): void;
  dir(item?: any, options?: any): void;
  time(label?: string): void;
  timeEnd(label?: string): void;
}
declare var console: Console;
declare var process: {
  argv: string[];
  env: Record<string, string | undefined>;
  exitCode: number | undefined;
  platform: string;
  version: string;
  exit(code?: number): never;
  cwd(): string;
  hrtime: { (time?: [number, number]): [number, number]; bigint(): bigint };
  memoryUsage(): Record<string, number>;
  nextTick(callback: (...args: any[]) => void, ...args: any[]): void;
  on(event: string, listener: (...args: any[]) => void): any;
  stdout: { write(chunk: string): boolean };
  stderr: { write(chunk: string): boolean };
  stdin: any;
};
declare var require: { (id: string): any; resolve(id: string): string; main: any };
declare var module: { exports: any; require(id: string): any };
declare var exports: any;
declare var __dirname: string;
declare var __filename: string;
declare var Buffer: any;
declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearTimeout(handle: any): void;
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearInterval(handle: any): void;
declare function setImmediate(callback: (...args: any[]) => void, ...args: any[]): any;
declare function clearImmediate(handle: any): void;
declare function queueMicrotask(callback: () => void): void;
declare function structuredClone<T>(value: T): T;
${NODE_MODULES.flatMap((name) => [`declare module '${name}';`, `declare module 'node:${name}';`]).join('\n')}
`;

export const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ['lib.es2023.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  esModuleInterop: true,
  allowImportingTsExtensions: true,
};

export interface TypeScriptCheckerOptions {
  /** Replaces the defaults key by key. @default DEFAULT_COMPILER_OPTIONS */
  compilerOptions?: ts.CompilerOptions;
  /** Diagnostics reported before the rest are summarised. @default 20 */
  maxDiagnostics?: number;
}

/** Library files parsed once per process, shared by every checker (they never change). */
const libraryFiles = new Map<string, ts.SourceFile>();
let libraryDirectory: string | undefined;

function libDirectory(): string {
  libraryDirectory ??= dirname(createRequire(import.meta.url).resolve('typescript/lib/lib.es2022.d.ts'));
  return libraryDirectory;
}

export class TypeScriptChecker {
  readonly #options: ts.CompilerOptions;
  readonly #maxDiagnostics: number;
  #previous: ts.Program | undefined;
  #globals: ts.SourceFile | undefined;

  constructor(options: TypeScriptCheckerOptions = {}) {
    this.#options = { ...DEFAULT_COMPILER_OPTIONS, ...options.compilerOptions };
    this.#maxDiagnostics = options.maxDiagnostics ?? 20;
  }

  /** Compiler diagnostics of `code` as `type-error` findings (1-based locations). */
  check(code: string): Diagnostic[] {
    const candidate = ts.createSourceFile(
      CANDIDATE_FILE,
      code,
      this.#options.target ?? ts.ScriptTarget.ES2022,
      true,
    );
    const program = ts.createProgram({
      rootNames: [CANDIDATE_FILE, GLOBALS_FILE],
      options: this.#options,
      host: this.#host(candidate),
      ...(this.#previous && { oldProgram: this.#previous }),
    });
    this.#previous = program;
    const found = [
      ...program.getSyntacticDiagnostics(candidate),
      ...program.getSemanticDiagnostics(candidate),
    ];
    const diagnostics = found.slice(0, this.#maxDiagnostics).map((d) => toDiagnostic(d, candidate));
    if (found.length > this.#maxDiagnostics) {
      diagnostics.push({
        message: `${found.length - this.#maxDiagnostics} more TypeScript errors not shown`,
        severity: 'error',
        rule: 'type-error',
      });
    }
    return diagnostics;
  }

  #host(candidate: ts.SourceFile): ts.CompilerHost {
    const directory = libDirectory();
    const read = (fileName: string): string | undefined => {
      if (fileName === CANDIDATE_FILE) return candidate.text;
      if (fileName === GLOBALS_FILE) return NODE_GLOBALS;
      if (dirname(fileName) !== directory) return undefined;
      try {
        return readFileSync(fileName, 'utf8');
      } catch {
        return undefined;
      }
    };
    return {
      getSourceFile: (fileName, languageVersion) => {
        if (fileName === CANDIDATE_FILE) return candidate;
        if (fileName === GLOBALS_FILE) {
          this.#globals ??= ts.createSourceFile(GLOBALS_FILE, NODE_GLOBALS, languageVersion, false);
          return this.#globals;
        }
        let library = libraryFiles.get(fileName);
        if (!library) {
          const text = read(fileName);
          if (text === undefined) return undefined;
          library = ts.createSourceFile(fileName, text, languageVersion, false);
          libraryFiles.set(fileName, library);
        }
        return library;
      },
      getDefaultLibFileName: () => join(directory, 'lib.es2023.d.ts'),
      getDefaultLibLocation: () => directory,
      writeFile: () => {},
      getCurrentDirectory: () => '/nsgen',
      getDirectories: () => [],
      getCanonicalFileName: (fileName) => fileName,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (fileName) =>
        fileName === CANDIDATE_FILE ||
        fileName === GLOBALS_FILE ||
        libraryFiles.has(fileName) ||
        read(fileName) !== undefined,
      readFile: read,
    };
  }
}

export function createTypeScriptChecker(options?: TypeScriptCheckerOptions): TypeScriptChecker {
  return new TypeScriptChecker(options);
}

function toDiagnostic(diagnostic: ts.Diagnostic, file: ts.SourceFile): Diagnostic {
  const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  const result: Diagnostic = { message, severity: 'error', rule: 'type-error' };
  if (diagnostic.start !== undefined) {
    const start = file.getLineAndCharacterOfPosition(diagnostic.start);
    const end = file.getLineAndCharacterOfPosition(diagnostic.start + (diagnostic.length ?? 0));
    result.location = {
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
    };
  }
  return result;
}
