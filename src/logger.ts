import { closeSync, constants, fstatSync, openSync, writeSync } from "node:fs";
import pino, { type DestinationStream, type Logger } from "pino";

export type AppLogger = Logger;

/**
 * Standard output for the logs, written so that logging can never hold the
 * process: a line that cannot be written at once is dropped, never waited
 * for. pino's own stdout stream flushes synchronously when the process exits
 * and retries a failed write forever: with stdout a pipe whose reader went
 * away (a log collector that died, `npm start | tee` interrupted) the process
 * spun in that loop on SIGTERM and never exited.
 *
 * - A pipe is written through a non-blocking descriptor of its own (Linux:
 *   /proc/self/fd/1 opened O_NONBLOCK): a full pipe (a stuck reader) drops the
 *   line instead of blocking; lines up to 4 KiB are written whole or not at all.
 * - A broken pipe (EPIPE) or any other write error stops the logging for good.
 * - Lines dropped while the pipe was full are counted in the next line written.
 */
export class StdoutDestination implements DestinationStream {
  private fd: number;
  private ownFd = false;
  private broken = false;
  /** Lines dropped since the last line written. */
  dropped = 0;

  constructor(fd = 1) {
    this.fd = fd;
    try {
      if (fstatSync(fd).isFIFO()) {
        this.fd = openSync(`/proc/self/fd/${fd}`, constants.O_WRONLY | constants.O_NONBLOCK);
        this.ownFd = true;
      }
    } catch {
      this.fd = fd; // not Linux, or not reopenable: plain writes
    }
  }

  write(line: string): void {
    if (this.broken) return;
    if (this.dropped > 0) {
      const note = `${JSON.stringify({ level: 40, time: Date.now(), droppedLogLines: this.dropped, msg: "log lines dropped: standard output was not accepting them" })}\n`;
      if (!this.writeWhole(note)) {
        this.dropped++;
        return;
      }
      this.dropped = 0;
    }
    if (!this.writeWhole(line)) this.dropped++;
  }

  /** True when the whole line was written; false when it was dropped. */
  private writeWhole(line: string): boolean {
    const buf = Buffer.from(line, "utf8");
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.fd, buf, off);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" || code === "EWOULDBLOCK") {
        // a partly written (long) line is ended so that the next one starts on its own line
        if (off > 0) this.writeWhole("\n");
        return false;
      }
      this.broken = true; // EPIPE (nobody reads any more), EBADF, ...: stop logging
      if (this.ownFd) {
        try {
          closeSync(this.fd);
        } catch {
          // already unusable
        }
      }
      return false;
    }
  }
}

/** Structured JSON logs (stdout, or `destination`). Never log tokens: the Authorization header is redacted. */
export function createLogger(level: string, destination?: DestinationStream): AppLogger {
  return pino(
    {
      level,
      redact: { paths: ["req.headers.authorization", "authorization", "token", "*.token"], censor: "[redacted]" },
      base: undefined,
    },
    destination ?? new StdoutDestination(),
  );
}
