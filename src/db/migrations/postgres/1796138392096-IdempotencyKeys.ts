import type { MigrationInterface, QueryRunner } from "typeorm";

export class IdempotencyKeys1796138392096 implements MigrationInterface {
  name = "IdempotencyKeys1796138392096";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"idempotency_key\" (\"id\" SERIAL NOT NULL, \"user_id\" integer NOT NULL, \"key\" character varying(255) NOT NULL, \"fingerprint\" character varying(64) NOT NULL, \"created_at\" TIMESTAMP NOT NULL, \"expires_at\" TIMESTAMP NOT NULL, \"response_status\" integer, \"response_body\" text, CONSTRAINT \"PK_213f125e14469be304f9ff1d452\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_40aab95c36e58255f7618768f0\" ON \"idempotency_key\"  (\"expires_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_de390066dce788f80744a8f662\" ON \"idempotency_key\"  (\"user_id\", \"key\") ");
    await queryRunner.query("ALTER TABLE \"idempotency_key\" ADD CONSTRAINT \"FK_b769b270c8c530b20c431bd19d8\" FOREIGN KEY (\"user_id\") REFERENCES \"app_user\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"idempotency_key\" DROP CONSTRAINT \"FK_b769b270c8c530b20c431bd19d8\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_de390066dce788f80744a8f662\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_40aab95c36e58255f7618768f0\"");
    await queryRunner.query("DROP TABLE \"idempotency_key\"");
  }
}
