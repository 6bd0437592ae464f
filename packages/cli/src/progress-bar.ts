/** Where a progress bar draws: a terminal stream (stderr, so stdout stays clean for pipes). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/**
 * A one-line progress bar, redrawn in place (`\r`), at most every 100 ms. Draws nothing unless
 * enabled and the stream is a terminal, so piped and `--json` output never carries it.
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #label: string;
  readonly #enabled: boolean;
  #total: number;
  #done = 0;
  #drawnAt = 0;
  #drawn = false;

  constructor(stream: ProgressStream, label: string, total: number, enabled: boolean) {
    this.#stream = stream;
    this.#label = label;
    this.#total = Math.max(0, total);
    this.#enabled = enabled && stream.isTTY === true;
  }

  /** Sets how much is done (and, when it grew, the total). */
  update(done: number, total = this.#total): void {
    this.#done = done;
    this.#total = Math.max(total, done);
    const now = performance.now();
    if (now - this.#drawnAt >= 100) {
      this.#drawnAt = now;
      this.#draw();
    }
  }

  /** Erases the bar. */
  finish(): void {
    if (!this.#drawn) return;
    this.#stream.write(`\r${' '.repeat(this.#width())}\r`);
    this.#drawn = false;
  }

  /** The bar's line for `done` of `total` in `width` characters. */
  static render(label: string, done: number, total: number, width: number): string {
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const figures = ` ${Math.floor(share * 100)}% ${done}/${total}`;
    const room = Math.max(10, Math.min(40, width - label.length - figures.length - 4));
    const filled = Math.round(share * room);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(room - filled)}]${figures}`;
  }

  #width(): number {
    return Math.max(40, (this.#stream.columns ?? 80) - 1);
  }

  #draw(): void {
    if (!this.#enabled) return;
    const line = ProgressBar.render(this.#label, this.#done, this.#total, this.#width());
    this.#stream.write(`\r${line.slice(0, this.#width()).padEnd(this.#width())}`);
    this.#drawn = true;
  }
}
