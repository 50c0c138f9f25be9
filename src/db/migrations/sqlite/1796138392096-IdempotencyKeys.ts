import type { MigrationInterface, QueryRunner } from "typeorm";

export class IdempotencyKeys1796138392096 implements MigrationInterface {
  name = "IdempotencyKeys1796138392096";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"idempotency_key\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"user_id\" integer NOT NULL, \"key\" varchar(255) NOT NULL, \"fingerprint\" varchar(64) NOT NULL, \"created_at\" datetime NOT NULL, \"expires_at\" datetime NOT NULL, \"response_status\" integer, \"response_body\" text)");
    await queryRunner.query("CREATE INDEX \"IDX_40aab95c36e58255f7618768f0\" ON \"idempotency_key\" (\"expires_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_de390066dce788f80744a8f662\" ON \"idempotency_key\" (\"user_id\", \"key\") ");
    await queryRunner.query("DROP INDEX \"IDX_40aab95c36e58255f7618768f0\"");
    await queryRunner.query("DROP INDEX \"IDX_de390066dce788f80744a8f662\"");
    await queryRunner.query("CREATE TABLE \"temporary_idempotency_key\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"user_id\" integer NOT NULL, \"key\" varchar(255) NOT NULL, \"fingerprint\" varchar(64) NOT NULL, \"created_at\" datetime NOT NULL, \"expires_at\" datetime NOT NULL, \"response_status\" integer, \"response_body\" text, CONSTRAINT \"FK_b769b270c8c530b20c431bd19d8\" FOREIGN KEY (\"user_id\") REFERENCES \"app_user\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_idempotency_key\"(\"id\", \"user_id\", \"key\", \"fingerprint\", \"created_at\", \"expires_at\", \"response_status\", \"response_body\") SELECT \"id\", \"user_id\", \"key\", \"fingerprint\", \"created_at\", \"expires_at\", \"response_status\", \"response_body\" FROM \"idempotency_key\"");
    await queryRunner.query("DROP TABLE \"idempotency_key\"");
    await queryRunner.query("ALTER TABLE \"temporary_idempotency_key\" RENAME TO \"idempotency_key\"");
    await queryRunner.query("CREATE INDEX \"IDX_40aab95c36e58255f7618768f0\" ON \"idempotency_key\" (\"expires_at\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_de390066dce788f80744a8f662\" ON \"idempotency_key\" (\"user_id\", \"key\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_de390066dce788f80744a8f662\"");
    await queryRunner.query("DROP INDEX \"IDX_40aab95c36e58255f7618768f0\"");
    await queryRunner.query("ALTER TABLE \"idempotency_key\" RENAME TO \"temporary_idempotency_key\"");
    await queryRunner.query("CREATE TABLE \"idempotency_key\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"user_id\" integer NOT NULL, \"key\" varchar(255) NOT NULL, \"fingerprint\" varchar(64) NOT NULL, \"created_at\" datetime NOT NULL, \"expires_at\" datetime NOT NULL, \"response_status\" integer, \"response_body\" text)");
    await queryRunner.query("INSERT INTO \"idempotency_key\"(\"id\", \"user_id\", \"key\", \"fingerprint\", \"created_at\", \"expires_at\", \"response_status\", \"response_body\") SELECT \"id\", \"user_id\", \"key\", \"fingerprint\", \"created_at\", \"expires_at\", \"response_status\", \"response_body\" FROM \"temporary_idempotency_key\"");
    await queryRunner.query("DROP TABLE \"temporary_idempotency_key\"");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_de390066dce788f80744a8f662\" ON \"idempotency_key\" (\"user_id\", \"key\") ");
    await queryRunner.query("CREATE INDEX \"IDX_40aab95c36e58255f7618768f0\" ON \"idempotency_key\" (\"expires_at\") ");
    await queryRunner.query("DROP INDEX \"IDX_de390066dce788f80744a8f662\"");
    await queryRunner.query("DROP INDEX \"IDX_40aab95c36e58255f7618768f0\"");
    await queryRunner.query("DROP TABLE \"idempotency_key\"");
  }
}
