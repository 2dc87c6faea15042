/** Markdown code fences in a model's answer. */

export interface FencedBlock {
  /** The tag after the opening fence, as written (`python`, `ts`, `` for none). */
  tag: string;
  code: string;
  /** False when the answer ended inside the block (the model ran out of tokens). */
  closed: boolean;
}

const OPENING = /^([ \t]*)(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n`]*$/;

/**
 * The fenced blocks of a markdown answer, in order. Fences may be indented (inside a list
 * item): their content loses that indentation. An unclosed last block runs to the end.
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = OPENING.exec(lines[index]!);
    if (!opening) continue;
    const [, indent = '', fence = '```', tag = ''] = opening;
    const closing = new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    const content: string[] = [];
    let closed = false;
    for (index++; index < lines.length; index++) {
      const line = lines[index]!;
      if (closing.test(line)) {
        closed = true;
        break;
      }
      content.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    blocks.push({ tag, code: content.join('\n'), closed });
  }
  return blocks;
}

/**
 * Removes the reasoning some models write before answering (`<think>...</think>`, as
 * Qwen and DeepSeek reasoning models do); an unclosed one swallows the answer, so it is
 * kept rather than lose everything.
 */
export function withoutReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/g, '');
}
