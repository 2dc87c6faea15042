import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { indexCommand } from '../src/cli/commands/index.js';
import { repoMapCommand } from '../src/cli/commands/repomap.js';
import { searchCommand } from '../src/cli/commands/search.js';

let repo: string;
let out: string;

async function stdoutOf(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'nsgen-cli-repo-'));
  out = await mkdtemp(join(tmpdir(), 'nsgen-cli-index-'));
  await mkdir(join(repo, 'src'));
  await writeFile(
    join(repo, 'src', 'text.py'),
    'def slugify(title):\n    """Turn a title into a URL slug."""\n    return "-".join(words(title.lower()))\n\n\ndef words(text):\n    return text.split()\n',
  );
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('nsgen index / search / repomap', () => {
  it('indexes, then answers one query and a batch in the documented shapes', async () => {
    const report = JSON.parse(
      await stdoutOf(() => indexCommand(repo, { out, vectors: 'auto', embedder: 'hashed', json: true })),
    );
    expect(report).toMatchObject({ files: 1, chunks: 2, added: 1, graph: 'memory' });

    const results = JSON.parse(
      await stdoutOf(() => searchCommand('url slug', { index: out, k: 1, mode: 'hybrid-graph', json: true })),
    );
    expect(results).toEqual([
      {
        path: 'src/text.py',
        name: 'slugify',
        kind: 'function',
        startLine: 1,
        endLine: 3,
        score: expect.any(Number),
      },
    ]);

    // --fusion: reciprocal ranks work with any embedder; learned fusion needs a ranker.
    const [rrf] = JSON.parse(
      await stdoutOf(() =>
        searchCommand('url slug', { index: out, k: 1, mode: 'hybrid', fusion: 'rrf', json: true }),
      ),
    );
    expect(rrf.name).toBe('slugify');
    await expect(
      searchCommand('url slug', { index: out, k: 1, mode: 'hybrid', fusion: 'learned', json: true }),
    ).rejects.toThrow(/learned fusion needs an embedder with a trained ranker; hashed\S* has none/);

    const queries = join(out, 'queries.jsonl');
    await writeFile(
      queries,
      '{"id": "a", "query": "url slug"}\n{"id": 7, "query": "split text into words"}\n',
    );
    const lines = (
      await stdoutOf(() => searchCommand(undefined, { index: out, k: 2, mode: 'bm25', queries, json: true }))
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id)).toEqual(['a', '7']);
    expect(lines[1].results[0]).toMatchObject({ path: 'src/text.py', name: 'words' });
  });

  it('refuses a query and --queries together, and a bad queries file, with clear errors', async () => {
    await expect(searchCommand('x', { index: out, k: 1, mode: 'bm25', queries: 'q.jsonl' })).rejects.toThrow(
      /either a QUERY or --queries/,
    );
    const bad = join(out, 'bad.jsonl');
    await writeFile(bad, '{"id": "a"}\n');
    await expect(searchCommand(undefined, { index: out, k: 1, mode: 'bm25', queries: bad })).rejects.toThrow(
      /bad\.jsonl:1: each line needs "id" and a string "query"/,
    );
  });

  it('prints a repo map within the budget', async () => {
    const map = JSON.parse(await stdoutOf(() => repoMapCommand(repo, { tokens: 50, json: true })));
    expect(map.text).toContain('src/text.py:');
    expect(map.tokens).toBeLessThanOrEqual(50);
  });
});
