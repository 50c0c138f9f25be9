/**
 * The TypeORM DataSource of this project, as TypeORM's CLI expects it
 * (`npx typeorm -d dist/ormconfig.js migration:show`, after `npm run build`).
 * Built from the same configuration as the server (src/config.ts:
 * DATABASE_URL, DB_POOL_SIZE, DATABASE_SSL, DB_LOGGING) and the same options
 * (src/db/data-source.ts): entities, snake_case names, the dialect's
 * migrations. The application itself opens its database through
 * `openDatabase` (src/db/data-source.ts), which uses these options too.
 */
import "reflect-metadata";
import { DataSource } from "typeorm";
import { loadConfig } from "./src/config";
import { buildDataSourceOptions } from "./src/db/data-source";
import { CountingQueryLogger } from "./src/db/query-logger";

const config = loadConfig();

export default new DataSource(buildDataSourceOptions(config, new CountingQueryLogger(config.dbLogging)));
