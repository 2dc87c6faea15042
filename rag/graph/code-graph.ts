/**
 * From chunked files to graph nodes and edges: files, modules, classes and functions;
 * `defines` (file → top-level symbol, class → method, file → its module), `imports`
 * (file → module), `calls`, `references` and `inherits` resolved by name across the
 * repository (the same file first; a name defined in too many places links to none,
 * since `get` or `run` say nothing about which one is meant).
 */
import { posix } from 'node:path';
import type { GraphEdge, GraphNode } from '../../src/core/index.js';
import type { ChunkedFile } from '../chunk/chunk-source.js';

/** A name defined in more places than this is too ambiguous to link. */
const MAX_TARGETS = 4;

export function moduleNameOf(path: string): string {
  if (path.endsWith('.py'))
    return path
      .slice(0, -3)
      .replace(/\/__init__$/, '')
      .replaceAll('/', '.');
  return path.replace(/\.[cm]?[jt]sx?$/, '');
}

export function buildCodeGraph(files: readonly ChunkedFile[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const modules = new Map<string, string>();
  const byName = new Map<string, Array<{ id: string; path: string; kind: string }>>();

  for (const file of files) {
    const fileId = `file:${file.path}`;
    const moduleName = moduleNameOf(file.path);
    const moduleId = `module:${moduleName}`;
    modules.set(moduleName, moduleId);
    nodes.push({ id: fileId, kind: 'file', name: posix.basename(file.path), path: file.path });
    nodes.push({ id: moduleId, kind: 'module', name: moduleName, path: file.path });
    edges.push({ from: fileId, to: moduleId, kind: 'defines' });
    for (const chunk of file.chunks) {
      nodes.push({
        id: chunk.id,
        kind: chunk.kind === 'class' ? 'class' : 'function',
        name: chunk.qualifiedName,
        path: chunk.path,
      });
      const targets = byName.get(chunk.name) ?? [];
      targets.push({ id: chunk.id, path: chunk.path, kind: chunk.kind });
      byName.set(chunk.name, targets);
    }
    for (const symbols of file.symbols) {
      edges.push({ from: symbols.classId ?? fileId, to: symbols.chunkId, kind: 'defines' });
    }
  }

  const external = new Set<string>();
  for (const file of files) {
    const fileId = `file:${file.path}`;
    for (const specifier of file.imports) {
      const target = resolveImport(specifier, file.path, modules);
      if (!target) continue;
      if (!modules.has(target.slice('module:'.length)) && !external.has(target)) {
        external.add(target);
        nodes.push({ id: target, kind: 'module', name: target.slice('module:'.length) });
      }
      edges.push({ from: fileId, to: target, kind: 'imports' });
    }
    for (const symbols of file.symbols) {
      const link = (
        names: readonly string[],
        kind: GraphEdge['kind'],
        only?: (target: { kind: string }) => boolean,
      ) => {
        for (const name of names) {
          let targets = (byName.get(name) ?? []).filter(
            (target) => target.id !== symbols.chunkId && (!only || only(target)),
          );
          const local = targets.filter((target) => target.path === file.path);
          if (local.length > 0) targets = local;
          if (targets.length === 0 || targets.length > MAX_TARGETS) continue;
          for (const target of targets) edges.push({ from: symbols.chunkId, to: target.id, kind });
        }
      };
      link(symbols.calls, 'calls');
      link(symbols.references, 'references', (target) => target.kind !== 'method');
      link(symbols.bases, 'inherits', (target) => target.kind === 'class');
    }
  }
  return { nodes, edges: dedupe(edges) };
}

function resolveImport(
  specifier: string,
  fromPath: string,
  modules: Map<string, string>,
): string | undefined {
  if (specifier.startsWith('.')) {
    if (fromPath.endsWith('.py')) {
      // Python relative import: one dot is the current package.
      const dots = /^\.+/.exec(specifier)![0].length;
      const base = moduleNameOf(fromPath).split('.').slice(0, -dots);
      const rest = specifier.slice(dots);
      const name = [...base, ...(rest ? [rest] : [])].join('.');
      return modules.get(name) ?? modules.get(`${name}.__init__`);
    }
    const joined = posix.normalize(posix.join(posix.dirname(fromPath), specifier));
    const name = moduleNameOf(joined);
    return modules.get(name) ?? modules.get(`${name}/index`);
  }
  return modules.get(specifier) ?? `module:${specifier}`;
}

function dedupe(edges: GraphEdge[]): GraphEdge[] {
  const seen = new Set<string>();
  return edges.filter((edge) => {
    const key = `${edge.kind}\0${edge.from}\0${edge.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
