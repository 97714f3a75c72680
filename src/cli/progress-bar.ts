/**
 * Progress on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise
 * (so logs of unattended runs still show that work moves). Silent when `enabled` is false.
 */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #label: string;
  readonly #enabled: boolean;
  readonly #tty: boolean;
  #lastDrawAt = 0;
  #drawn = false;

  constructor(stream: NodeJS.WriteStream, label: string, enabled = true) {
    this.#stream = stream;
    this.#label = label;
    this.#enabled = enabled;
    this.#tty = stream.isTTY;
    // Off a terminal the first line comes after the first interval: a short task prints only its end.
    if (!this.#tty) this.#lastDrawAt = Date.now();
  }

  update(done: number, total: number | undefined, detail = ''): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#lastDrawAt < (this.#tty ? 100 : 5000)) return;
    this.#lastDrawAt = now;
    const line = render(this.#label, done, total, detail, this.#tty);
    if (this.#tty) this.#stream.write(`\r${line}\x1b[K`);
    else this.#stream.write(`${line}\n`);
    this.#drawn = true;
  }

  /** Draws the final state and moves past the bar. */
  finish(done: number, total: number | undefined, detail = ''): void {
    if (!this.#enabled) return;
    this.#lastDrawAt = 0;
    this.update(done, total, detail);
    if (this.#tty && this.#drawn) this.#stream.write('\n');
  }
}

const WIDTH = 30;

function render(label: string, done: number, total: number | undefined, detail: string, tty: boolean): string {
  const counts = total === undefined ? fmt(done) : `${fmt(done)}/${fmt(total)}`;
  if (total === undefined || total === 0) return `${label} ${counts} ${detail}`.trimEnd();
  const ratio = Math.min(1, done / total);
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  const bar = tty ? `[${'#'.repeat(Math.round(ratio * WIDTH)).padEnd(WIDTH, '.')}] ` : '';
  return `${label} ${bar}${pct} ${counts} ${detail}`.trimEnd();
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
