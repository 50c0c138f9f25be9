import type { Logger, QueryRunner } from "typeorm";

/**
 * Counts every SQL statement the data source sends (the N+1 tests and the
 * benchmark read `statements`), and prints each one as `query: ...` when
 * DB_LOGGING=true.
 */
export class CountingQueryLogger implements Logger {
  statements = 0;
  constructor(private readonly print: boolean) {}

  logQuery(query: string, parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.statements++;
    if (this.print) {
      const params = parameters && parameters.length ? ` -- ${JSON.stringify(parameters, bigintSafe)}` : "";
      process.stdout.write(`query: ${query}${params}\n`);
    }
  }
  logQueryError(error: string | Error, query: string): void {
    if (this.print) process.stdout.write(`query failed: ${query} -- ${String(error)}\n`);
  }
  logQuerySlow(time: number, query: string): void {
    if (this.print) process.stdout.write(`query is slow (${time} ms): ${query}\n`);
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (this.print) process.stdout.write(`migration: ${message}\n`);
  }
  log(level: "log" | "info" | "warn", message: unknown): void {
    if (this.print || level === "warn") process.stdout.write(`${level}: ${String(message)}\n`);
  }
}

function bigintSafe(_k: string, v: unknown) {
  return typeof v === "bigint" ? v.toString() : v;
}
