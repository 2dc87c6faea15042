import type { RunEvent } from '../core/index.js';

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  /** Label before the bar. */
  label: string;
}

/**
 * A one-line progress bar on a terminal (stderr), redrawn at most every 100 ms. On
 * anything that is not a terminal it prints nothing, so logs and pipes stay clean.
 */
export class ProgressBar {
  private total = 0;
  private done = 0;
  private solved = 0;
  private started = performance.now();
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(private readonly options: ProgressOptions) {
    this.enabled = options.stream.isTTY === true;
  }

  update(event: RunEvent): void {
    if (event.type === 'run.started') {
      this.total = event.tasks;
      this.started = performance.now();
    } else if (event.type === 'task.finished') {
      this.done++;
      if (event.episode.status === 'solved') this.solved++;
    } else if (event.type !== 'run.finished') {
      return;
    }
    this.draw(event.type === 'run.finished');
  }

  private draw(final: boolean): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!final && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = this.total ? Math.round((this.done / this.total) * width) : width;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const line = `${this.options.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total} tasks · ${this.solved} solved · ${seconds}s`;
    this.options.stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
  }
}
