/**
 * Words of code and prose for keyword search and hashed embeddings: identifiers split into
 * their sub-words (`parseHTTPHeader` → parse, http, header; `read_file` → read, file),
 * lower-cased, stop words and language keywords dropped, and a light suffix stemmer so
 * that `parses`, `parsed` and `parsing` meet `parse`.
 */

const STOP_WORDS = new Set(
  `a an and are as at be by for from has have if in into is it its of on or that the this to was were will with
  not no yes can may must should would all any each than then else elif def class return self cls const let var
  function new true false none null undefined import export async await try except catch finally raise throw
  while do pass lambda yield pylint noqa type string str int number bool boolean void`.split(/\s+/),
);

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*|[0-9]+/g;
const SUB_WORD = /[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g;

/** Strips the commonest English inflections; short words stay as they are. */
export function stem(word: string): string {
  const stemmed = stripSuffix(word);
  // A final e goes too, so that parse, parses, parsed and parsing all meet at `pars`.
  return stemmed.length > 4 && stemmed.endsWith('e') ? stemmed.slice(0, -1) : stemmed;
}

function stripSuffix(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  // `es` is a suffix only after sibilants (classes, matches); `values` loses just the `s`.
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length >= 6) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length >= 5) return word.slice(0, -2);
  if (word.endsWith('ly') && word.length >= 5) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is'))
    return word.slice(0, -1);
  return word;
}

/** The search terms of a text: sub-words, lower-cased, stemmed, without stop words. */
export function codeTerms(text: string): string[] {
  const terms: string[] = [];
  for (const identifier of text.match(IDENTIFIER) ?? []) {
    const parts = identifier.match(SUB_WORD);
    if (!parts) continue;
    for (const part of parts) {
      const lower = part.toLowerCase();
      if (lower.length < 2 || STOP_WORDS.has(lower)) continue;
      terms.push(stem(lower));
    }
  }
  return terms;
}

/** About four characters a token, the usual estimate for code and English. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
