import type { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1796138524527 implements MigrationInterface {
  name = "Webhooks1796138524527";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"webhook\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"url\" varchar(2048) NOT NULL, \"event_filter\" varchar(1024) NOT NULL DEFAULT (''), \"secret\" varchar(128) NOT NULL, \"created_at\" datetime NOT NULL, \"created_by_id\" integer NOT NULL, \"failed_deliveries\" integer NOT NULL DEFAULT (0))");
    await queryRunner.query("CREATE INDEX \"IDX_6d62fe695ad8be80bdd0de2a68\" ON \"webhook\" (\"created_by_id\") ");
    await queryRunner.query("CREATE TABLE \"webhook_delivery\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"webhook_id\" integer NOT NULL, \"event_id\" varchar(36) NOT NULL, \"event_type\" varchar(64) NOT NULL, \"order_key\" varchar(64) NOT NULL, \"body\" text NOT NULL, \"status\" varchar(16) NOT NULL, \"attempts\" integer NOT NULL DEFAULT (0), \"next_attempt_at\" bigint NOT NULL, \"lease_until\" bigint, \"created_at\" bigint NOT NULL, \"last_error\" varchar(300))");
    await queryRunner.query("CREATE INDEX \"IDX_528f0f9e42d195f637f64cfcd6\" ON \"webhook_delivery\" (\"webhook_id\", \"order_key\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_68fd3a7ad4e5504350f64a3472\" ON \"webhook_delivery\" (\"status\", \"next_attempt_at\") ");
    await queryRunner.query("DROP INDEX \"IDX_6d62fe695ad8be80bdd0de2a68\"");
    await queryRunner.query("CREATE TABLE \"temporary_webhook\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"url\" varchar(2048) NOT NULL, \"event_filter\" varchar(1024) NOT NULL DEFAULT (''), \"secret\" varchar(128) NOT NULL, \"created_at\" datetime NOT NULL, \"created_by_id\" integer NOT NULL, \"failed_deliveries\" integer NOT NULL DEFAULT (0), CONSTRAINT \"FK_6d62fe695ad8be80bdd0de2a68d\" FOREIGN KEY (\"created_by_id\") REFERENCES \"app_user\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_webhook\"(\"id\", \"url\", \"event_filter\", \"secret\", \"created_at\", \"created_by_id\", \"failed_deliveries\") SELECT \"id\", \"url\", \"event_filter\", \"secret\", \"created_at\", \"created_by_id\", \"failed_deliveries\" FROM \"webhook\"");
    await queryRunner.query("DROP TABLE \"webhook\"");
    await queryRunner.query("ALTER TABLE \"temporary_webhook\" RENAME TO \"webhook\"");
    await queryRunner.query("CREATE INDEX \"IDX_6d62fe695ad8be80bdd0de2a68\" ON \"webhook\" (\"created_by_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_528f0f9e42d195f637f64cfcd6\"");
    await queryRunner.query("DROP INDEX \"IDX_68fd3a7ad4e5504350f64a3472\"");
    await queryRunner.query("CREATE TABLE \"temporary_webhook_delivery\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"webhook_id\" integer NOT NULL, \"event_id\" varchar(36) NOT NULL, \"event_type\" varchar(64) NOT NULL, \"order_key\" varchar(64) NOT NULL, \"body\" text NOT NULL, \"status\" varchar(16) NOT NULL, \"attempts\" integer NOT NULL DEFAULT (0), \"next_attempt_at\" bigint NOT NULL, \"lease_until\" bigint, \"created_at\" bigint NOT NULL, \"last_error\" varchar(300), CONSTRAINT \"FK_ef25cc28dcf88ea3dd81f39af2d\" FOREIGN KEY (\"webhook_id\") REFERENCES \"webhook\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_webhook_delivery\"(\"id\", \"webhook_id\", \"event_id\", \"event_type\", \"order_key\", \"body\", \"status\", \"attempts\", \"next_attempt_at\", \"lease_until\", \"created_at\", \"last_error\") SELECT \"id\", \"webhook_id\", \"event_id\", \"event_type\", \"order_key\", \"body\", \"status\", \"attempts\", \"next_attempt_at\", \"lease_until\", \"created_at\", \"last_error\" FROM \"webhook_delivery\"");
    await queryRunner.query("DROP TABLE \"webhook_delivery\"");
    await queryRunner.query("ALTER TABLE \"temporary_webhook_delivery\" RENAME TO \"webhook_delivery\"");
    await queryRunner.query("CREATE INDEX \"IDX_528f0f9e42d195f637f64cfcd6\" ON \"webhook_delivery\" (\"webhook_id\", \"order_key\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_68fd3a7ad4e5504350f64a3472\" ON \"webhook_delivery\" (\"status\", \"next_attempt_at\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_68fd3a7ad4e5504350f64a3472\"");
    await queryRunner.query("DROP INDEX \"IDX_528f0f9e42d195f637f64cfcd6\"");
    await queryRunner.query("ALTER TABLE \"webhook_delivery\" RENAME TO \"temporary_webhook_delivery\"");
    await queryRunner.query("CREATE TABLE \"webhook_delivery\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"webhook_id\" integer NOT NULL, \"event_id\" varchar(36) NOT NULL, \"event_type\" varchar(64) NOT NULL, \"order_key\" varchar(64) NOT NULL, \"body\" text NOT NULL, \"status\" varchar(16) NOT NULL, \"attempts\" integer NOT NULL DEFAULT (0), \"next_attempt_at\" bigint NOT NULL, \"lease_until\" bigint, \"created_at\" bigint NOT NULL, \"last_error\" varchar(300))");
    await queryRunner.query("INSERT INTO \"webhook_delivery\"(\"id\", \"webhook_id\", \"event_id\", \"event_type\", \"order_key\", \"body\", \"status\", \"attempts\", \"next_attempt_at\", \"lease_until\", \"created_at\", \"last_error\") SELECT \"id\", \"webhook_id\", \"event_id\", \"event_type\", \"order_key\", \"body\", \"status\", \"attempts\", \"next_attempt_at\", \"lease_until\", \"created_at\", \"last_error\" FROM \"temporary_webhook_delivery\"");
    await queryRunner.query("DROP TABLE \"temporary_webhook_delivery\"");
    await queryRunner.query("CREATE INDEX \"IDX_68fd3a7ad4e5504350f64a3472\" ON \"webhook_delivery\" (\"status\", \"next_attempt_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_528f0f9e42d195f637f64cfcd6\" ON \"webhook_delivery\" (\"webhook_id\", \"order_key\", \"id\") ");
    await queryRunner.query("DROP INDEX \"IDX_6d62fe695ad8be80bdd0de2a68\"");
    await queryRunner.query("ALTER TABLE \"webhook\" RENAME TO \"temporary_webhook\"");
    await queryRunner.query("CREATE TABLE \"webhook\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"url\" varchar(2048) NOT NULL, \"event_filter\" varchar(1024) NOT NULL DEFAULT (''), \"secret\" varchar(128) NOT NULL, \"created_at\" datetime NOT NULL, \"created_by_id\" integer NOT NULL, \"failed_deliveries\" integer NOT NULL DEFAULT (0))");
    await queryRunner.query("INSERT INTO \"webhook\"(\"id\", \"url\", \"event_filter\", \"secret\", \"created_at\", \"created_by_id\", \"failed_deliveries\") SELECT \"id\", \"url\", \"event_filter\", \"secret\", \"created_at\", \"created_by_id\", \"failed_deliveries\" FROM \"temporary_webhook\"");
    await queryRunner.query("DROP TABLE \"temporary_webhook\"");
    await queryRunner.query("CREATE INDEX \"IDX_6d62fe695ad8be80bdd0de2a68\" ON \"webhook\" (\"created_by_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_68fd3a7ad4e5504350f64a3472\"");
    await queryRunner.query("DROP INDEX \"IDX_528f0f9e42d195f637f64cfcd6\"");
    await queryRunner.query("DROP TABLE \"webhook_delivery\"");
    await queryRunner.query("DROP INDEX \"IDX_6d62fe695ad8be80bdd0de2a68\"");
    await queryRunner.query("DROP TABLE \"webhook\"");
  }
}
