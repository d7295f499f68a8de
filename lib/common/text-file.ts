/**
 * Writing large text files piece by piece: a report of thousands of
 * findings is written as it is rendered, so that its whole text (and the
 * JSON writer's buffers for it) never sits in memory at once.
 * @internal
 */
import * as fs from 'fs';

/** Pieces of text, gathered and written in chunks of about 64 KiB. */
export class TextFileWriter {
  private pending: string[] = [];
  private pendingLength = 0;

  private constructor(private readonly fd: number) {}

  /** Opens `file` (replacing it), gives `write` a writer, and closes the file. */
  public static write(file: string, write: (out: TextFileWriter) => void): void {
    const fd = fs.openSync(file, 'w');
    try {
      const out = new TextFileWriter(fd);
      write(out);
      out.flush();
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Appends `text`. */
  public text(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= 64 * 1024) this.flush();
  }

  /**
   * Appends `value` as JSON (the value `JSON.stringify` writes), laid out as
   * `JSON.stringify(value, null, 2)` lays it out down to `depth` levels
   * (at the nesting depth of `indent`), with what lies deeper on one line:
   * a report's findings one per line, written as they are stringified.
   */
  public json(value: unknown, indent: string, depth: number): void {
    if (depth > 0 && Array.isArray(value) && value.length > 0) {
      this.text('[');
      value.forEach((item, i) => {
        this.text(`${i === 0 ? '\n' : ',\n'}${indent}  `);
        // JSON.stringify writes null for an item it cannot write.
        this.json(unwritable(item) ? null : item, `${indent}  `, depth - 1);
      });
      this.text(`\n${indent}]`);
      return;
    }
    if (depth > 0 && isPlainRecord(value)) {
      let first = true;
      this.text('{');
      for (const key of Object.keys(value)) {
        const item = value[key];
        // JSON.stringify leaves out a property it cannot write.
        if (unwritable(item)) continue;
        this.text(`${first ? '\n' : ',\n'}${indent}  ${JSON.stringify(key)}: `);
        first = false;
        this.json(item, `${indent}  `, depth - 1);
      }
      this.text(first ? '}' : `\n${indent}}`);
      return;
    }
    this.text(JSON.stringify(value) ?? 'null');
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
}

/** A value JSON.stringify cannot write: undefined, a function, a symbol. */
function unwritable(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** An object JSON.stringify writes key by key (not a list, not null, without its own toJSON). */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
