/**
 * The `replay:` language model: hands back recorded samples instead of generating. With
 * `replay:canonical` the samples are the benchmark's reference solutions, which is how the
 * harness proves its own scoring (the reference solutions must pass); with
 * `replay:PATH.jsonl` they are samples recorded from any model, scored offline.
 */
import { readFile } from 'node:fs/promises';
import {
  type CallOptions,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  NsgenError,
  parseJsonLines,
  type Sample,
  type Task,
  throwIfAborted,
} from '../core/index.js';

/** The argument that replays the dataset's reference solutions. */
export const CANONICAL = 'canonical';

/** Settings that mean nothing for recorded samples; passing them earns a warning. */
const IGNORED_SETTINGS = ['temperature', 'topP', 'maxTokens', 'stop'] as const;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export class ReplayModel implements LanguageModel {
  readonly specificationVersion = 'v1';
  readonly provider = 'replay';
  readonly spec: string;
  /** `canonical`, or the path of the JSONL recording. */
  readonly argument: string;
  private recording: Promise<Map<string, Sample[]>> | undefined;

  constructor(argument: string) {
    if (argument.trim() === '') {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        'replay needs an argument: "replay:canonical" or "replay:PATH.jsonl" (recorded samples)',
      );
    }
    this.argument = argument;
    this.spec = `replay:${argument}`;
  }

  get replaysCanonical(): boolean {
    return this.argument === CANONICAL;
  }

  async generate(request: GenerateRequest, options: CallOptions = {}): Promise<GenerateResult> {
    throwIfAborted(options.signal);
    const { task } = request;
    if (!task) {
      throw new NsgenError(
        'INVALID_ARGUMENT',
        'the request has no task: replay looks samples up by task id',
        {
          where: this.spec,
        },
      );
    }
    if (request.n !== undefined && (!Number.isInteger(request.n) || request.n < 0)) {
      throw new NsgenError('INVALID_ARGUMENT', `n must be a non-negative integer, got ${request.n}`, {
        where: this.spec,
      });
    }
    const warnings: string[] = [];
    const ignored = IGNORED_SETTINGS.filter((setting) => request[setting] !== undefined);
    if (ignored.length > 0)
      warnings.push(`${this.spec} replays recorded samples and ignores: ${ignored.join(', ')}`);

    const recorded = await this.samplesFor(task);
    if (recorded.length === 0) warnings.push(this.missingMessage(task));
    else if (request.n !== undefined && request.n > recorded.length) {
      warnings.push(
        `${this.spec}: asked for ${request.n} samples of task "${task.id}", replaying the ${recorded.length} recorded`,
      );
    }
    const samples = request.n === undefined ? recorded : recorded.slice(0, request.n);
    throwIfAborted(options.signal);
    return {
      samples: samples.map((sample) => ({ ...sample })),
      usage: { promptTokens: 0, completionTokens: 0 },
      warnings,
    };
  }

  /** The task ids the recording holds, in file order (none for `canonical`). */
  async taskIds(): Promise<string[]> {
    if (this.replaysCanonical) return [];
    return [...(await this.load()).keys()];
  }

  /** Every sample replayed for a task, in file order; empty when there is none. */
  async samplesFor(task: Task): Promise<Sample[]> {
    if (this.replaysCanonical) return canonicalSamples(task);
    const recording = await this.load();
    for (const key of taskKeys(task)) {
      const found = recording.get(key);
      if (found) return found;
    }
    return [];
  }

  private missingMessage(task: Task): string {
    if (!this.replaysCanonical) return `${this.spec}: no recorded samples for task "${task.id}"`;
    const dataset = typeof task.metadata?.dataset === 'string' ? ` (dataset ${task.metadata.dataset})` : '';
    return `${this.spec}: task "${task.id}"${dataset} has no reference solution (metadata.canonicalSolution), so there is nothing to replay`;
  }

  private load(): Promise<Map<string, Sample[]>> {
    this.recording ??= readRecording(this.argument);
    return this.recording;
  }
}

/** Builds the model for a `replay:<argument>` spec; no I/O happens until the first `generate`. */
export function createReplayModel(argument: string): ReplayModel {
  return new ReplayModel(argument);
}

/** The task ids a replay model's recording holds, for warning about samples of unknown tasks. */
export function replayTaskIds(model: LanguageModel): Promise<string[]> {
  return asReplayModel(model).taskIds();
}

/**
 * Recorded task ids that match none of the tasks (a recording for another dataset, or a typo).
 * Ids match a task's `id` or its `metadata.sourceTaskId` (MBPP recordings write `"task_id": 2`).
 */
export async function unknownReplayTaskIds(model: LanguageModel, tasks: Task[]): Promise<string[]> {
  const known = new Set(tasks.flatMap(taskKeys));
  return (await replayTaskIds(model)).filter((id) => !known.has(id));
}

/** Tasks a replay model has no sample for (with `canonical`: tasks without a reference solution). */
export async function tasksWithoutReplaySamples(model: LanguageModel, tasks: Task[]): Promise<string[]> {
  const replay = asReplayModel(model);
  const missing: string[] = [];
  for (const task of tasks) {
    if ((await replay.samplesFor(task)).length === 0) missing.push(task.id);
  }
  return missing;
}

function asReplayModel(model: LanguageModel): ReplayModel {
  if (!(model instanceof ReplayModel)) {
    throw new NsgenError('INVALID_ARGUMENT', `"${model.spec}" is not a replay model`);
  }
  return model;
}

function taskKeys(task: Task): string[] {
  const source = task.metadata?.sourceTaskId;
  const keys = [task.id];
  if ((typeof source === 'string' || typeof source === 'number') && String(source) !== task.id)
    keys.push(String(source));
  return keys;
}

function canonicalSamples(task: Task): Sample[] {
  const solution = task.metadata?.canonicalSolution;
  const format = task.metadata?.canonicalFormat;
  if (typeof solution !== 'string') return [];
  return [
    { text: solution, format: format === 'completion' ? 'completion' : 'program', finishReason: 'stop' },
  ];
}

async function readRecording(file: string): Promise<Map<string, Sample[]>> {
  let text: string;
  try {
    text = strictUtf8.decode(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      error instanceof TypeError
        ? 'the file is not valid UTF-8 text'
        : code === 'ENOENT'
          ? 'no such file'
          : (error as Error).message;
    throw new NsgenError('IO_ERROR', `cannot read the recorded samples (${reason})`, {
      where: file,
      cause: error,
    });
  }
  const recording = new Map<string, Sample[]>();
  for (const { value, line } of parseJsonLines(text, file)) {
    const where = `${file}:${line}`;
    const { taskId, sample } = recordedSample(value, where);
    const samples = recording.get(taskId) ?? [];
    samples.push(sample);
    recording.set(taskId, samples);
  }
  return recording;
}

function recordedSample(value: unknown, where: string): { taskId: string; sample: Sample } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NsgenError(
      'INVALID_DATA',
      'expected a JSON object with "task_id" and "completion" or "solution"',
      {
        where,
      },
    );
  }
  const line = value as Record<string, unknown>;
  const taskId = line.task_id;
  if (
    !(
      (typeof taskId === 'string' && taskId !== '') ||
      (typeof taskId === 'number' && Number.isFinite(taskId))
    )
  ) {
    throw new NsgenError('INVALID_DATA', 'field "task_id": expected a non-empty string or a number', {
      where,
    });
  }
  const hasCompletion = line.completion !== undefined;
  const hasSolution = line.solution !== undefined;
  if (hasCompletion === hasSolution) {
    throw new NsgenError(
      'INVALID_DATA',
      hasCompletion
        ? 'a sample has either "completion" (continues the prompt) or "solution" (a whole program), not both'
        : 'missing field "completion" (continues the prompt) or "solution" (a whole program)',
      { where },
    );
  }
  const field = hasCompletion ? 'completion' : 'solution';
  const text = line[field];
  if (typeof text !== 'string')
    throw new NsgenError('INVALID_DATA', `field "${field}": expected a string`, { where });
  return {
    taskId: String(taskId),
    sample: { text, format: hasCompletion ? 'completion' : 'program', finishReason: 'stop' },
  };
}
