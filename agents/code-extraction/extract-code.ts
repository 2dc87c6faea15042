/**
 * Finds the code in a model's chat answer: the right fenced block, or code without fences
 * surrounded by prose.
 */
import type { Task } from '../../src/core/index.js';
import { definesFunction } from './definitions.js';
import { fencedBlocks, withoutReasoning } from './fenced-blocks.js';
import { type CodeLanguage, detectLanguage, isCompatible, languageOfTag } from './languages.js';

export interface ExtractedCode {
  code: string;
  /** `fence`: a fenced block; `bare`: code found in an answer without fences. */
  source: 'fence' | 'bare';
  /** The language the code is written in, from its fence tag or its look; undefined when unclear. */
  language: CodeLanguage | undefined;
  /** True when the code is in a language the task cannot run (Java for a Python task). */
  languageMismatch: boolean;
  /** True when the code defines the task's entry point. */
  definesEntryPoint: boolean;
  /** True when the answer ended inside a fenced block. */
  truncated: boolean;
}

/**
 * Picks the code out of an answer. Among fenced blocks, the one that defines the entry
 * point wins, then one in the task's language (by tag, then by look); ties go to the
 * first (usage examples tend to follow the solution). Without fences, the answer is
 * taken from its first line of code to its last, dropping prose around it.
 */
export function extractCode(answer: string, task: Task): ExtractedCode {
  const text = withoutReasoning(answer);
  const blocks = fencedBlocks(text).filter((block) => block.code.trim() !== '');
  if (blocks.length > 0) {
    let best = blocks[0]!;
    let bestScore = -1;
    for (const block of blocks) {
      const tagged = languageOfTag(block.tag);
      const detected = detectLanguage(block.code);
      let score = 0;
      if (definesFunction(block.code, task.entryPoint, task.language)) score += 8;
      if (tagged !== undefined && isCompatible(task.language, tagged)) score += 4;
      if (tagged === undefined && detected !== undefined && isCompatible(task.language, detected)) score += 2;
      if (score > bestScore) {
        best = block;
        bestScore = score;
      }
    }
    return describe(
      best.code,
      'fence',
      languageOfTag(best.tag) ?? detectLanguage(best.code),
      task,
      !best.closed,
    );
  }
  const code = bareCode(text);
  return describe(code, 'bare', detectLanguage(code), task, false);
}

function describe(
  code: string,
  source: ExtractedCode['source'],
  language: CodeLanguage | undefined,
  task: Task,
  truncated: boolean,
): ExtractedCode {
  const trimmed = trimBlankEdges(code);
  return {
    code: trimmed,
    source,
    language,
    languageMismatch: language !== undefined && !isCompatible(task.language, language),
    definesEntryPoint: definesFunction(trimmed, task.entryPoint, task.language),
    truncated,
  };
}

/** Lines that can start or continue a program in any of the supported languages. */
const CODE_LINE =
  /^([ \t]+\S|(async|def|class|import|from|return|if|elif|else|for|while|try|except|finally|with|raise|assert|yield|function|const|let|var|export|type|interface|switch|case|default|throw)\b|[@#}\])]|\/\/|\/\*|[A-Za-z_$][\w$.[\]]*[ \t]*(=|\+=|-=|\())/;

function isCodeLine(line: string): boolean {
  return CODE_LINE.test(line);
}

/**
 * Code in an answer without fences: from the first line that looks like code to the last
 * one, prose lines before and after dropped (blank lines and indented lines inside the
 * code kept).
 */
function bareCode(text: string): string {
  const lines = text.split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim() !== '' && isCodeLine(line));
  if (first === -1) return text;
  let last = first;
  for (let index = first + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    if (!isCodeLine(line)) break;
    last = index;
  }
  return lines.slice(first, last + 1).join('\n');
}

function trimBlankEdges(code: string): string {
  return code.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/\s+$/, '');
}
