import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import type { CodeChunk } from '../../src/core/index.js';
import { codeTerms } from '../text/code-tokens.js';
import { Bm25Index, keywordText } from './bm25-index.js';

function chunk(name: string, body: string, path = 'lib/module.py'): CodeChunk {
  return {
    id: `${path}#${name}@1`,
    path,
    language: 'python',
    kind: 'function',
    name,
    qualifiedName: name,
    signature: `def ${name}():`,
    startLine: 1,
    endLine: 2,
    text: `def ${name}():\n    ${body}\n`,
  };
}

const WORDS = 'parse header value read file write line split token cache lookup table merge sort list'.split(
  ' ',
);

/** Deterministic chunks with overlapping vocabularies. */
function corpus(count: number, seed = 3): CodeChunk[] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 2 + (next() % 9) }, () => WORDS[next() % WORDS.length]!);
    return chunk(`${WORDS[next() % WORDS.length]}_${WORDS[next() % WORDS.length]}_${i}`, words.join(' '));
  });
}

/** BM25+ written the obvious way: the reference the indexed search must match. */
function reference(chunks: readonly CodeChunk[], query: string, k: number) {
  const fields = chunks.map((c) => {
    const { name, text } = keywordText(c);
    return [codeTerms(name), codeTerms(text)];
  });
  const n = chunks.length;
  const boosts = [2, 1];
  const average = [0, 1].map((f) => fields.reduce((sum, doc) => sum + new Set(doc[f]).size, 0) / n);
  const terms = [...new Set(codeTerms(query))];
  const scored = chunks.map((c, d) => {
    let score = 0;
    let matched = 0;
    for (const term of terms) {
      let hit = false;
      for (const f of [0, 1]) {
        const tf = fields[d]![f]!.filter((t) => t === term).length;
        if (tf === 0) continue;
        hit = true;
        const df = fields.filter((doc) => doc[f]!.includes(term)).length;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const length = new Set(fields[d]![f]).size;
        score +=
          boosts[f]! * idf * (0.5 + (tf * 2.2) / (tf + 1.2 * (1 - 0.7 + (0.7 * length) / average[f]!)));
      }
      if (hit) matched++;
    }
    return { id: c.id, score: score * matched, order: d };
  });
  return scored
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k)
    .map(({ id, score }) => ({ id, score }));
}

function expectSameHits(actual: Array<{ id: string; score: number }>, expected: typeof actual) {
  expect(actual.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
  actual.forEach((hit, i) => {
    expect(hit.score).toBeCloseTo(expected[i]!.score, 9);
  });
}

const QUERIES = [
  'parse the header value',
  'read a file line by line',
  'sort and merge lists',
  'cache lookup',
];

describe('BM25 index', () => {
  it('ranks and scores exactly as MiniSearch (the library it replaced for speed) configured alike', () => {
    const chunks = corpus(400);
    const miniSearch = new MiniSearch<{ id: string; name: string; text: string }>({
      fields: ['name', 'text'],
      tokenize: (text) => codeTerms(text),
      processTerm: (term) => term,
      searchOptions: { boost: { name: 2 }, combineWith: 'OR' },
    });
    miniSearch.addAll(chunks.map(keywordText));
    const index = new Bm25Index();
    index.add(chunks);
    for (const query of QUERIES) {
      // Distinct query terms, as the index scores them.
      const theirs = miniSearch
        .search([...new Set(codeTerms(query))].join(' '), { tokenize: (text) => text.split(' ') })
        .slice(0, 10)
        .map((hit) => ({ id: String(hit.id), score: hit.score }));
      const ours = index.search(query, 10);
      // Equal scores may come in either order; the scores at each rank must agree.
      ours.forEach((hit, i) => {
        expect(hit.score).toBeCloseTo(theirs[i]!.score, 9);
      });
      const cut = ours.at(-1)!.score + 1e-9;
      const above = (hits: typeof ours) =>
        new Set(hits.filter((hit) => hit.score > cut).map((hit) => hit.id));
      expect(above(ours)).toEqual(above(theirs));
    }
  });

  it('ranks as BM25+ over the name and text fields', () => {
    const chunks = corpus(300);
    const index = new Bm25Index();
    index.add(chunks);
    expect(index.size()).toBe(300);
    for (const query of QUERIES) expectSameHits(index.search(query, 10), reference(chunks, query, 10));
  });

  it('scores any chunk as search would, found or not', () => {
    const chunks = corpus(300);
    const index = new Bm25Index();
    index.add(chunks);
    for (const query of QUERIES) {
      const hits = index.search(query, 300);
      const missing = chunks.find((chunk) => !hits.some((hit) => hit.id === chunk.id))?.id ?? 'none';
      const ids = [...hits.slice(0, 5).map((hit) => hit.id), hits.at(-1)!.id, missing, 'no-such-chunk'];
      const scores = index.scores(query, ids);
      expect(scores.slice(0, 6)).toEqual([...hits.slice(0, 5), hits.at(-1)!].map((hit) => hit.score));
      expect(scores.slice(6)).toEqual([0, 0]);
    }
    expect(index.scores('', ['a', 'b'])).toEqual([0, 0]);
  });

  it('after deletions answers as an index built from the remaining chunks', () => {
    const chunks = corpus(200);
    const index = new Bm25Index();
    index.add(chunks);
    // Queries before the deletion leave no trace in later ones.
    for (const query of QUERIES) index.search(query, 5);
    const removed = chunks.filter((_, i) => i % 3 === 0);
    index.delete(removed);
    const kept = chunks.filter((_, i) => i % 3 !== 0);
    expect(index.size()).toBe(kept.length);
    for (const query of QUERIES) expectSameHits(index.search(query, 10), reference(kept, query, 10));
    // A deleted chunk can come back (with new text).
    const back = { ...removed[0]!, text: 'def x():\n    parse parse header\n' };
    index.add([back]);
    expectSameHits(index.search('parse header', 10), reference([...kept, back], 'parse header', 10));
  });

  it('refuses a duplicate id, finds nothing for an empty query, and saves and loads compacted', () => {
    const chunks = corpus(120);
    const index = new Bm25Index();
    index.add(chunks);
    expect(() => index.add([chunks[0]!])).toThrow(/duplicate chunk id/);
    expect(index.search('the of a', 5)).toEqual([]);
    expect(index.search('parse', 0)).toEqual([]);
    index.delete(chunks.slice(0, 40));
    const loaded = Bm25Index.fromJSON(JSON.stringify(index));
    expect(loaded.size()).toBe(80);
    for (const query of QUERIES) expectSameHits(loaded.search(query, 10), index.search(query, 10));
    expect(() => Bm25Index.fromJSON('{"index":{}}')).toThrow(/not a BM25 index/);
  });
});
