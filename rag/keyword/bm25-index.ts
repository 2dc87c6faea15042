/**
 * Keyword search with BM25 (MiniSearch's BM25+ scoring) over code-aware terms: identifiers
 * split into sub-words and stemmed the same way for chunks and queries.
 */
import MiniSearch from 'minisearch';
import type { CodeChunk } from '../../src/core/index.js';
import { codeTerms } from '../text/code-tokens.js';

export interface KeywordHit {
  id: string;
  score: number;
}

type Document = { id: string; name: string; text: string };

const OPTIONS = {
  fields: ['name', 'text'],
  storeFields: [],
  tokenize: (text: string) => codeTerms(text),
  processTerm: (term: string) => term,
  searchOptions: { boost: { name: 2 }, combineWith: 'OR' as const },
};

/** What BM25 sees of a chunk: its names, signature, docstring and body. */
export function keywordText(chunk: CodeChunk): Document {
  return { id: chunk.id, name: chunk.qualifiedName, text: `${chunk.path}\n${chunk.text}` };
}

export class Bm25Index {
  #search: MiniSearch<Document>;

  constructor(search?: MiniSearch<Document>) {
    this.#search = search ?? new MiniSearch<Document>(OPTIONS);
  }

  size(): number {
    return this.#search.documentCount;
  }

  add(chunks: readonly CodeChunk[]): void {
    for (const chunk of chunks) {
      if (this.#search.has(chunk.id)) this.#search.discard(chunk.id);
    }
    this.#search.addAll(chunks.map(keywordText));
  }

  delete(ids: readonly string[]): void {
    for (const id of ids) if (this.#search.has(id)) this.#search.discard(id);
  }

  search(query: string, k: number): KeywordHit[] {
    return this.#search
      .search(query)
      .slice(0, k)
      .map((result) => ({ id: String(result.id), score: result.score }));
  }

  toJSON(): unknown {
    return this.#search.toJSON();
  }

  static fromJSON(json: string): Bm25Index {
    return new Bm25Index(MiniSearch.loadJSON<Document>(json, OPTIONS));
  }
}
