/**
 * A byte-level BPE tokenizer in the GPT-2 style: text is split by the GPT-2 pre-tokenizer
 * pattern, each piece is turned into bytes, bytes are shown as printable characters (the
 * GPT-2 byte-to-unicode table), and learned merges join adjacent symbols. The same
 * vocabulary and merges go into GGUF files as `tokenizer.ggml.model = gpt2`, so llama.cpp
 * tokenizes exactly as this class does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { NsgenError } from '../../src/core/index.js';

/** The GPT-2 pre-tokenizer pattern (llama.cpp `tokenizer.ggml.pre = gpt-2`). */
const PRE_TOKENIZER = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Special tokens: end of text, and markers around prompts and code for SFT. */
export const SPECIAL_TOKENS = {
  endOfText: '<|endoftext|>',
  prompt: '<|prompt|>',
  code: '<|code|>',
} as const;

export const DEFAULT_SPECIAL_TOKENS: string[] = Object.values(SPECIAL_TOKENS);

/** The serialised form (`tokenizer.json`). */
export interface TokenizerFile {
  type: 'nsgen-byte-bpe';
  version: 1;
  /** Token strings in id order, in the GPT-2 byte-to-unicode alphabet; specials verbatim. */
  vocab: string[];
  /** Merges in rank order, each `left right`. */
  merges: string[];
  specialTokens: string[];
}

export interface TrainTokenizerOptions {
  /** Final vocabulary size, bytes and special tokens included. */
  vocabSize: number;
  /** @default DEFAULT_SPECIAL_TOKENS */
  specialTokens?: string[];
  /** Pieces seen fewer times are not merged. @default 2 */
  minFrequency?: number;
}

const { byteToChar, charToByte } = byteAlphabet();

/** GPT-2's reversible map from bytes to printable characters. */
function byteAlphabet(): { byteToChar: string[]; charToByte: Map<string, number> } {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const codes = [...printable];
  let extra = 0;
  const toChar: string[] = new Array(256);
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) {
      printable.push(b);
      codes.push(256 + extra++);
    }
  }
  const toByte = new Map<string, number>();
  printable.forEach((b, i) => {
    const char = String.fromCodePoint(codes[i] as number);
    toChar[b] = char;
    toByte.set(char, b);
  });
  return { byteToChar: toChar, charToByte: toByte };
}

const encoder = new TextEncoder();

function pieceSymbols(piece: string): string[] {
  return Array.from(encoder.encode(piece), (b) => byteToChar[b] as string);
}

export class ByteBpeTokenizer {
  readonly vocab: readonly string[];
  readonly merges: readonly string[];
  readonly specialTokens: readonly string[];
  private readonly ids: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly specialPattern: RegExp | undefined;
  private readonly cache = new Map<string, number[]>();

  constructor(file: TokenizerFile) {
    this.vocab = file.vocab;
    this.merges = file.merges;
    this.specialTokens = file.specialTokens;
    this.ids = new Map(file.vocab.map((token, id) => [token, id]));
    this.ranks = new Map(file.merges.map((merge, rank) => [merge, rank]));
    for (const special of file.specialTokens) {
      if (!this.ids.has(special)) {
        throw new NsgenError('INVALID_DATA', `special token ${special} is not in the vocabulary`, {
          where: 'tokenizer',
        });
      }
    }
    this.specialPattern =
      file.specialTokens.length === 0
        ? undefined
        : new RegExp(`(${file.specialTokens.map(escapeRegExp).join('|')})`);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The id of a token string (a special token or a vocabulary entry). */
  tokenId(token: string): number {
    const id = this.ids.get(token);
    if (id === undefined) throw new NsgenError('INVALID_ARGUMENT', `unknown token ${JSON.stringify(token)}`);
    return id;
  }

  get endOfTextId(): number {
    return this.tokenId(SPECIAL_TOKENS.endOfText);
  }

  /** Encodes text; special-token strings in the text become their ids when `allowSpecial`. */
  encode(text: string, options: { allowSpecial?: boolean } = {}): number[] {
    const out: number[] = [];
    const parts =
      options.allowSpecial !== false && this.specialPattern ? text.split(this.specialPattern) : [text];
    for (const part of parts) {
      if (part === '') continue;
      const special = this.specialTokens.includes(part) ? this.ids.get(part) : undefined;
      if (special !== undefined) {
        out.push(special);
        continue;
      }
      for (const match of part.matchAll(PRE_TOKENIZER)) out.push(...this.encodePiece(match[0]));
    }
    return out;
  }

  /** Decodes ids to text; bytes that do not form valid UTF-8 become U+FFFD. */
  decode(ids: readonly number[]): string {
    return new TextDecoder().decode(this.decodeBytes(ids));
  }

  decodeBytes(ids: readonly number[]): Uint8Array {
    const bytes: number[] = [];
    for (const id of ids) {
      const token = this.vocab[id];
      if (token === undefined) {
        throw new NsgenError(
          'INVALID_ARGUMENT',
          `token id ${id} is outside the vocabulary of ${this.vocabSize}`,
        );
      }
      if (this.specialTokens.includes(token)) {
        bytes.push(...encoder.encode(token));
        continue;
      }
      for (const char of token) bytes.push(charToByte.get(char) as number);
    }
    return Uint8Array.from(bytes);
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const symbols = pieceSymbols(piece);
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best === -1) break;
      symbols.splice(best, 2, `${symbols[best]}${symbols[best + 1]}`);
    }
    const ids = symbols.map((symbol) => this.ids.get(symbol) as number);
    if (this.cache.size < 100_000) this.cache.set(piece, ids);
    return ids;
  }

  toJSON(): TokenizerFile {
    return {
      type: 'nsgen-byte-bpe',
      version: 1,
      vocab: [...this.vocab],
      merges: [...this.merges],
      specialTokens: [...this.specialTokens],
    };
  }

  async save(path: string): Promise<void> {
    await writeFile(path, `${JSON.stringify(this.toJSON())}\n`);
  }

  static async load(path: string): Promise<ByteBpeTokenizer> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new NsgenError('INVALID_DATA', 'cannot read the tokenizer (expected tokenizer.json)', {
        where: path,
        cause: error,
      });
    }
    const file = parsed as Partial<TokenizerFile>;
    if (file.type !== 'nsgen-byte-bpe' || !Array.isArray(file.vocab) || !Array.isArray(file.merges)) {
      throw new NsgenError('INVALID_DATA', 'not an nsgen byte-level BPE tokenizer file', { where: path });
    }
    return new ByteBpeTokenizer({
      type: 'nsgen-byte-bpe',
      version: 1,
      vocab: file.vocab,
      merges: file.merges,
      specialTokens: file.specialTokens ?? [],
    });
  }

  /**
   * Learns merges from texts. Pieces are counted once per distinct piece (weighted by
   * frequency), and pair counts are updated incrementally after each merge.
   */
  static train(texts: Iterable<string>, options: TrainTokenizerOptions): ByteBpeTokenizer {
    const specials = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
    const minFrequency = options.minFrequency ?? 2;
    const base = 256 + specials.length;
    if (!Number.isInteger(options.vocabSize) || options.vocabSize < base) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        `vocabulary size ${options.vocabSize} is below the ${base} bytes and special tokens`,
      );
    }
    const pieceCounts = new Map<string, number>();
    for (const text of texts) {
      for (const part of specials.length
        ? text.split(new RegExp(specials.map(escapeRegExp).join('|')))
        : [text]) {
        for (const match of part.matchAll(PRE_TOKENIZER)) {
          pieceCounts.set(match[0], (pieceCounts.get(match[0]) ?? 0) + 1);
        }
      }
    }
    const words: { symbols: string[]; count: number }[] = [];
    for (const [piece, count] of pieceCounts) words.push({ symbols: pieceSymbols(piece), count });

    const pairCounts = new Map<string, number>();
    const pairWords = new Map<string, Set<number>>();
    const addPairs = (index: number, sign: number) => {
      const word = words[index] as { symbols: string[]; count: number };
      for (let i = 0; i < word.symbols.length - 1; i++) {
        const key = `${word.symbols[i]} ${word.symbols[i + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * word.count);
        if (sign > 0) {
          let set = pairWords.get(key);
          if (!set) {
            set = new Set();
            pairWords.set(key, set);
          }
          set.add(index);
        }
      }
    };
    for (let index = 0; index < words.length; index++) addPairs(index, 1);

    const vocab = [...specials, ...byteToChar];
    const merges: string[] = [];
    while (vocab.length < options.vocabSize) {
      let bestKey: string | undefined;
      let bestCount = minFrequency - 1;
      for (const [key, count] of pairCounts) {
        // Ties broken by the key so that training is deterministic.
        if (count > bestCount || (count === bestCount && bestKey !== undefined && key < bestKey)) {
          bestKey = key;
          bestCount = count;
        }
      }
      if (bestKey === undefined) break;
      const [left, right] = bestKey.split(' ') as [string, string];
      const merged = left + right;
      merges.push(bestKey);
      vocab.push(merged);
      for (const index of pairWords.get(bestKey) ?? []) {
        const word = words[index] as { symbols: string[]; count: number };
        addPairs(index, -1);
        const next: string[] = [];
        for (let i = 0; i < word.symbols.length; i++) {
          if (i < word.symbols.length - 1 && word.symbols[i] === left && word.symbols[i + 1] === right) {
            next.push(merged);
            i++;
          } else next.push(word.symbols[i] as string);
        }
        word.symbols = next;
        addPairs(index, 1);
      }
      pairCounts.delete(bestKey);
      pairWords.delete(bestKey);
    }
    return new ByteBpeTokenizer({
      type: 'nsgen-byte-bpe',
      version: 1,
      vocab,
      merges,
      specialTokens: specials,
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
