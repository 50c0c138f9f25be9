import type { MigrationInterface, QueryRunner } from "typeorm";

export class Webhooks1796138524527 implements MigrationInterface {
  name = "Webhooks1796138524527";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"webhook\" (\"id\" SERIAL NOT NULL, \"url\" character varying(2048) NOT NULL, \"event_filter\" character varying(1024) NOT NULL DEFAULT '', \"secret\" character varying(128) NOT NULL, \"created_at\" TIMESTAMP NOT NULL, \"created_by_id\" integer NOT NULL, \"failed_deliveries\" integer NOT NULL DEFAULT '0', CONSTRAINT \"PK_e6765510c2d078db49632b59020\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_6d62fe695ad8be80bdd0de2a68\" ON \"webhook\"  (\"created_by_id\") ");
    await queryRunner.query("CREATE TABLE \"webhook_delivery\" (\"id\" SERIAL NOT NULL, \"webhook_id\" integer NOT NULL, \"event_id\" character varying(36) NOT NULL, \"event_type\" character varying(64) NOT NULL, \"order_key\" character varying(64) NOT NULL, \"body\" text NOT NULL, \"status\" character varying(16) NOT NULL, \"attempts\" integer NOT NULL DEFAULT '0', \"next_attempt_at\" bigint NOT NULL, \"lease_until\" bigint, \"created_at\" bigint NOT NULL, \"last_error\" character varying(300), CONSTRAINT \"PK_b1ae290239a778f12399db91354\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_528f0f9e42d195f637f64cfcd6\" ON \"webhook_delivery\"  (\"webhook_id\", \"order_key\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_68fd3a7ad4e5504350f64a3472\" ON \"webhook_delivery\"  (\"status\", \"next_attempt_at\") ");
    await queryRunner.query("ALTER TABLE \"webhook\" ADD CONSTRAINT \"FK_6d62fe695ad8be80bdd0de2a68d\" FOREIGN KEY (\"created_by_id\") REFERENCES \"app_user\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"webhook_delivery\" ADD CONSTRAINT \"FK_ef25cc28dcf88ea3dd81f39af2d\" FOREIGN KEY (\"webhook_id\") REFERENCES \"webhook\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"webhook_delivery\" DROP CONSTRAINT \"FK_ef25cc28dcf88ea3dd81f39af2d\"");
    await queryRunner.query("ALTER TABLE \"webhook\" DROP CONSTRAINT \"FK_6d62fe695ad8be80bdd0de2a68d\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_68fd3a7ad4e5504350f64a3472\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_528f0f9e42d195f637f64cfcd6\"");
    await queryRunner.query("DROP TABLE \"webhook_delivery\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_6d62fe695ad8be80bdd0de2a68\"");
    await queryRunner.query("DROP TABLE \"webhook\"");
  }
}
