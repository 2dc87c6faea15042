/**
 * nsgen's `solve` as a LangChain tool, so that a LangChain agent can ask for verified
 * code. The SDK's `solve` is passed in (this layer may not import the SDK).
 */
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { contentHash, type Episode, parseTask, type Task } from '../../core/index.js';

export const solveToolInputSchema = z.object({
  request: z.string().min(1).describe('What the function must do, in words (or a prompt to complete).'),
  entryPoint: z
    .string()
    .regex(/^[A-Za-z_$][\w$]*$/)
    .describe('The name of the function to write.'),
  language: z.enum(['python', 'typescript', 'javascript']).describe('The language to write it in.'),
  tests: z.string().optional().describe('Executable tests in the same language, e.g. assert statements.'),
  examples: z
    .array(z.object({ input: z.array(z.unknown()), output: z.unknown() }))
    .optional()
    .describe('Input/output pairs: input holds the positional arguments.'),
  signature: z
    .object({
      params: z.array(z.object({ name: z.string(), type: z.string() })),
      returns: z.string(),
    })
    .optional()
    .describe('Parameter and return types, written int, float, bool, str, list[T], dict[K, V].'),
});

export type SolveToolInput = z.infer<typeof solveToolInputSchema>;

/** What the tool returns (as JSON text, the form a tool message carries). */
export interface SolveToolOutput {
  taskId: string;
  status: Episode['status'];
  /** The selected candidate's code; absent when nothing was selected. */
  code?: string;
  /** Whether the selected candidate passed every hard verifier. */
  passed: boolean;
  candidates: number;
  repairRounds: number;
  error?: Episode['error'];
}

export interface CreateSolveToolOptions {
  /** The SDK's solve (or anything with its shape). */
  solve: (task: Task) => Promise<Episode>;
  /** @default 'nsgen_solve' */
  name?: string;
  description?: string;
}

const DEFAULT_DESCRIPTION =
  'Writes a function from a description and checks it with tests, static analysis and solvers. ' +
  'Returns JSON with the status (solved or not), the code, and whether it passed verification.';

export function createSolveTool(options: CreateSolveToolOptions) {
  return tool(
    async (input: SolveToolInput): Promise<string> => {
      const task = taskFromToolInput(input);
      const episode = await options.solve(task);
      return JSON.stringify(solveToolOutput(episode));
    },
    {
      name: options.name ?? 'nsgen_solve',
      description: options.description ?? DEFAULT_DESCRIPTION,
      schema: solveToolInputSchema,
    },
  );
}

/** The task a tool call describes; its id is derived from the content, so equal calls share it. */
export function taskFromToolInput(input: SolveToolInput): Task {
  const { request, ...rest } = input;
  const id = `tool-${contentHash(JSON.stringify(input))}`;
  return parseTask({ id, prompt: request, ...rest }, 'nsgen_solve tool input');
}

export function solveToolOutput(episode: Episode): SolveToolOutput {
  const selected = episode.candidates.find((scored) => scored.candidate.id === episode.selectedId);
  const output: SolveToolOutput = {
    taskId: episode.taskId,
    status: episode.status,
    passed: selected?.passed ?? false,
    candidates: episode.candidates.length,
    repairRounds: episode.repairRounds,
  };
  if (selected) output.code = selected.candidate.code;
  if (episode.error) output.error = episode.error;
  return output;
}
