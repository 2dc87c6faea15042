/**
 * Keyword search with BM25+ over code-aware terms: identifiers split into sub-words and
 * stemmed the same way for chunks and queries. Two fields, the chunk's name (boosted) and
 * its text; a document's score is the sum of its terms' field scores times the number of
 * distinct query terms it matches (the scoring MiniSearch uses, which this replaces).
 *
 * The inverted index is built for query speed: a term's postings are parallel arrays of
 * document slots and term frequencies, scores accumulate in typed arrays reused from query
 * to query, and the top k are kept in a small heap, so a query costs one pass over its
 * terms' postings with no per-posting allocation. Every term is scored, however common.
 * Deleted documents are tombstones: their postings are dropped lazily, the first time a
 * query reads the term after the deletion.
 */
import type { CodeChunk } from '../../src/core/index.js';
import { NsgenError } from '../../src/core/index.js';
import { codeTerms } from '../text/code-tokens.js';

export interface KeywordHit {
  id: string;
  score: number;
}

type Document = { id: string; name: string; text: string };

/** What BM25 sees of a chunk: its names, signature, docstring and body. */
export function keywordText(chunk: CodeChunk): Document {
  return { id: chunk.id, name: chunk.qualifiedName, text: `${chunk.path}\n${chunk.text}` };
}

/** BM25+ parameters (term-frequency saturation, length normalisation, lower bound). */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
/** Field boosts: a term in the chunk's name counts twice. */
const BOOSTS = [2, 1] as const;
const FIELDS = 2;

interface Postings {
  docs: number[];
  tfs: number[];
  /** Postings of live documents (the document frequency). */
  live: number;
  /** Some postings point at deleted documents. */
  dirty: boolean;
}

interface SavedBm25 {
  format: 'nsgen-bm25';
  version: 1;
  ids: string[];
  lengths: number[][];
  postings: Array<Array<[string, number[], number[]]>>;
}

export class Bm25Index {
  /** Document id of each slot ('' once deleted). */
  readonly #ids: string[] = [];
  readonly #slotOf = new Map<string, number>();
  /** Per field: distinct terms of each slot's field. */
  readonly #lengths: number[][] = [[], []];
  readonly #totalLength = [0, 0];
  /** Per field: term → postings. */
  readonly #postings: Array<Map<string, Postings>> = [new Map(), new Map()];
  // Query scratch space, grown with the slots and reused.
  #scores = new Float64Array(0);
  #matched = new Uint16Array(0);
  #stamp = new Uint32Array(0);
  #touched = new Int32Array(0);
  #epoch = 0;

  size(): number {
    return this.#slotOf.size;
  }

  /** Adds chunks; a chunk whose id is present must have been deleted first. */
  add(chunks: readonly CodeChunk[]): void {
    for (const chunk of chunks) {
      const document = keywordText(chunk);
      if (this.#slotOf.has(document.id)) {
        throw new NsgenError('INVALID_ARGUMENT', `duplicate chunk id ${document.id}: delete it first`, {
          where: 'Bm25Index',
        });
      }
      const slot = this.#ids.length;
      this.#ids.push(document.id);
      this.#slotOf.set(document.id, slot);
      [document.name, document.text].forEach((text, field) => {
        const counts = termCounts(text);
        this.#lengths[field]!.push(counts.size);
        this.#totalLength[field]! += counts.size;
        const postings = this.#postings[field]!;
        for (const [term, tf] of counts) {
          let list = postings.get(term);
          if (!list) {
            list = { docs: [], tfs: [], live: 0, dirty: false };
            postings.set(term, list);
          }
          list.docs.push(slot);
          list.tfs.push(tf);
          list.live++;
        }
      });
    }
  }

  /** Removes chunks (as they were added: their text gives the terms to uncount). */
  delete(chunks: readonly CodeChunk[]): void {
    for (const chunk of chunks) {
      const slot = this.#slotOf.get(chunk.id);
      if (slot === undefined) continue;
      this.#slotOf.delete(chunk.id);
      this.#ids[slot] = '';
      const document = keywordText(chunk);
      [document.name, document.text].forEach((text, field) => {
        this.#totalLength[field]! -= this.#lengths[field]![slot]!;
        const postings = this.#postings[field]!;
        for (const term of termCounts(text).keys()) {
          const list = postings.get(term);
          if (!list) continue;
          list.live--;
          list.dirty = true;
          if (list.live <= 0) postings.delete(term);
        }
      });
    }
  }

  /**
   * Inverse document frequency of a (stemmed) term over the chunks' text, as BM25 weighs
   * it: near 0 for a term in every chunk, largest for one in none.
   */
  idf(term: string): number {
    return inverseDocumentFrequency(this.size(), this.#postings[1]!.get(term)?.live ?? 0);
  }

  search(query: string, k: number): KeywordHit[] {
    if (k <= 0) return [];
    return this.#scored(query, (touched, count, scores, matched) =>
      topK(touched, count, scores, matched, k),
    ).map(([doc, score]) => ({ id: this.#ids[doc]!, score }));
  }

  /** The score `search` gives each of these chunks for the query (0 for one it would not find). */
  scores(query: string, ids: readonly string[]): number[] {
    const slots = ids.map((id) => this.#slotOf.get(id));
    const found = this.#scored(query, (_touched, _count, scores, matched) =>
      slots.map((slot) => (slot === undefined ? 0 : scores[slot]! * matched[slot]!)),
    );
    // No documents or no query terms: nothing scored at all.
    return found.length === ids.length ? found : ids.map(() => 0);
  }

  /** Accumulates the query's scores over its terms' postings, reads them with `read`, then clears them. */
  #scored<T>(
    query: string,
    read: (touched: Int32Array, count: number, scores: Float64Array, matched: Uint16Array) => T[],
  ): T[] {
    const documents = this.size();
    if (documents === 0) return [];
    const terms = [...new Set(codeTerms(query))];
    if (terms.length === 0) return [];
    this.#grow();
    const scores = this.#scores;
    const matched = this.#matched;
    const stamp = this.#stamp;
    const touched = this.#touched;
    let touchedCount = 0;
    for (const term of terms) {
      const epoch = this.#nextEpoch();
      for (let field = 0; field < FIELDS; field++) {
        const list = this.#postings[field]!.get(term);
        if (!list) continue;
        if (list.dirty) this.#purge(list);
        const weight = BOOSTS[field]! * inverseDocumentFrequency(documents, list.live);
        const lengths = this.#lengths[field]!;
        const lengthScale = (K1 * B * documents) / Math.max(this.#totalLength[field]!, 1);
        const base = K1 * (1 - B);
        const { docs, tfs } = list;
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i]!;
          const tf = tfs[i]!;
          const score = weight * (DELTA + (tf * (K1 + 1)) / (tf + base + lengthScale * lengths[doc]!));
          if (stamp[doc] !== epoch) {
            stamp[doc] = epoch;
            if (matched[doc] === 0) touched[touchedCount++] = doc;
            matched[doc]!++;
          }
          scores[doc]! += score;
        }
      }
    }
    const result = read(touched, touchedCount, scores, matched);
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i]!;
      scores[doc] = 0;
      matched[doc] = 0;
    }
    return result;
  }

  toJSON(): SavedBm25 {
    // Compact: live documents only, renumbered in order.
    const renumber = new Int32Array(this.#ids.length).fill(-1);
    const ids: string[] = [];
    this.#ids.forEach((id, slot) => {
      if (id === '') return;
      renumber[slot] = ids.length;
      ids.push(id);
    });
    const lengths = this.#lengths.map((field) => field.filter((_, slot) => renumber[slot]! >= 0));
    const postings = this.#postings.map((field) =>
      [...field].map(([term, list]): [string, number[], number[]] => {
        const docs: number[] = [];
        const tfs: number[] = [];
        list.docs.forEach((slot, i) => {
          if (renumber[slot]! < 0) return;
          docs.push(renumber[slot]!);
          tfs.push(list.tfs[i]!);
        });
        return [term, docs, tfs];
      }),
    );
    return { format: 'nsgen-bm25', version: 1, ids, lengths, postings };
  }

  static fromJSON(json: string): Bm25Index {
    const saved = JSON.parse(json) as Partial<SavedBm25>;
    if (saved.format !== 'nsgen-bm25' || saved.version !== 1) {
      throw new NsgenError('INVALID_DATA', 'not a BM25 index of this nsgen version', { where: 'bm25.json' });
    }
    const index = new Bm25Index();
    saved.ids!.forEach((id, slot) => {
      index.#ids.push(id);
      index.#slotOf.set(id, slot);
    });
    saved.lengths!.forEach((field, f) => {
      index.#lengths[f] = field;
      index.#totalLength[f] = field.reduce((sum, length) => sum + length, 0);
    });
    saved.postings!.forEach((field, f) => {
      for (const [term, docs, tfs] of field) {
        index.#postings[f]!.set(term, { docs, tfs, live: docs.length, dirty: false });
      }
    });
    return index;
  }

  #purge(list: Postings): void {
    const docs: number[] = [];
    const tfs: number[] = [];
    for (let i = 0; i < list.docs.length; i++) {
      const doc = list.docs[i]!;
      if (this.#ids[doc] === '') continue;
      docs.push(doc);
      tfs.push(list.tfs[i]!);
    }
    list.docs = docs;
    list.tfs = tfs;
    list.dirty = false;
  }

  #grow(): void {
    const slots = this.#ids.length;
    if (this.#scores.length >= slots) return;
    const capacity = Math.max(slots, this.#scores.length * 2, 1024);
    this.#scores = new Float64Array(capacity);
    this.#matched = new Uint16Array(capacity);
    this.#stamp = new Uint32Array(capacity);
    this.#touched = new Int32Array(capacity);
    this.#epoch = 0;
  }

  #nextEpoch(): number {
    this.#epoch++;
    if (this.#epoch > 0xfffffff0) {
      this.#stamp.fill(0);
      this.#epoch = 1;
    }
    return this.#epoch;
  }
}

/** BM25's idf of a term found in `frequency` of `documents` documents (never negative). */
function inverseDocumentFrequency(documents: number, frequency: number): number {
  return Math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5));
}

function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of codeTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * The k best of the touched documents (score × matched terms), best first; ties go to the
 * document added first. A min-heap of k: one comparison for most documents.
 */
function topK(
  touched: Int32Array,
  count: number,
  scores: Float64Array,
  matched: Uint16Array,
  k: number,
): Array<[number, number]> {
  const size = Math.min(k, count);
  const heapDocs = new Int32Array(size);
  const heapScores = new Float64Array(size);
  let filled = 0;
  // `a` ranks below `b`: lower score, or equal score and added later.
  const below = (scoreA: number, docA: number, scoreB: number, docB: number) =>
    scoreA < scoreB || (scoreA === scoreB && docA > docB);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < filled && below(heapScores[left]!, heapDocs[left]!, heapScores[least]!, heapDocs[least]!))
        least = left;
      if (right < filled && below(heapScores[right]!, heapDocs[right]!, heapScores[least]!, heapDocs[least]!))
        least = right;
      if (least === i) return;
      [heapScores[i], heapScores[least]] = [heapScores[least]!, heapScores[i]!];
      [heapDocs[i], heapDocs[least]] = [heapDocs[least]!, heapDocs[i]!];
      i = least;
    }
  };
  for (let t = 0; t < count; t++) {
    const doc = touched[t]!;
    const score = scores[doc]! * matched[doc]!;
    if (filled < size) {
      // Sift up.
      let i = filled++;
      heapDocs[i] = doc;
      heapScores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!below(heapScores[i]!, heapDocs[i]!, heapScores[parent]!, heapDocs[parent]!)) break;
        [heapScores[i], heapScores[parent]] = [heapScores[parent]!, heapScores[i]!];
        [heapDocs[i], heapDocs[parent]] = [heapDocs[parent]!, heapDocs[i]!];
        i = parent;
      }
    } else if (size > 0 && below(heapScores[0]!, heapDocs[0]!, score, doc)) {
      heapDocs[0] = doc;
      heapScores[0] = score;
      siftDown(0);
    }
  }
  const out: Array<[number, number]> = [];
  for (let i = 0; i < filled; i++) out.push([heapDocs[i]!, heapScores[i]!]);
  return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}
