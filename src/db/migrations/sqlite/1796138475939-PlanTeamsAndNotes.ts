import type { MigrationInterface, QueryRunner } from "typeorm";

export class PlanTeamsAndNotes1796138475939 implements MigrationInterface {
  name = "PlanTeamsAndNotes1796138475939";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"plan_member\" (\"plan_id\" integer NOT NULL, \"user_id\" integer NOT NULL, \"role\" varchar(16) NOT NULL, \"added_at\" datetime NOT NULL, PRIMARY KEY (\"plan_id\", \"user_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_fae80f0799d64c8f24d1de42d6\" ON \"plan_member\" (\"user_id\") ");
    await queryRunner.query("CREATE TABLE \"note\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"plan_id\" integer, \"objective_id\" integer, \"author_id\" integer NOT NULL, \"body\" text NOT NULL, \"created_at\" datetime NOT NULL)");
    await queryRunner.query("CREATE INDEX \"IDX_d86f41f95b11fbf565464ff9ee\" ON \"note\" (\"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_f2a801b1f62ba032ad1d8ec7a3\" ON \"note\" (\"objective_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_665a6b343c55b13e2aba74ef61\" ON \"note\" (\"author_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_fae80f0799d64c8f24d1de42d6\"");
    await queryRunner.query("CREATE TABLE \"temporary_plan_member\" (\"plan_id\" integer NOT NULL, \"user_id\" integer NOT NULL, \"role\" varchar(16) NOT NULL, \"added_at\" datetime NOT NULL, CONSTRAINT \"FK_1fb3c6cc875024a01d110eecfdc\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_fae80f0799d64c8f24d1de42d66\" FOREIGN KEY (\"user_id\") REFERENCES \"app_user\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY (\"plan_id\", \"user_id\"))");
    await queryRunner.query("INSERT INTO \"temporary_plan_member\"(\"plan_id\", \"user_id\", \"role\", \"added_at\") SELECT \"plan_id\", \"user_id\", \"role\", \"added_at\" FROM \"plan_member\"");
    await queryRunner.query("DROP TABLE \"plan_member\"");
    await queryRunner.query("ALTER TABLE \"temporary_plan_member\" RENAME TO \"plan_member\"");
    await queryRunner.query("CREATE INDEX \"IDX_fae80f0799d64c8f24d1de42d6\" ON \"plan_member\" (\"user_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_d86f41f95b11fbf565464ff9ee\"");
    await queryRunner.query("DROP INDEX \"IDX_f2a801b1f62ba032ad1d8ec7a3\"");
    await queryRunner.query("DROP INDEX \"IDX_665a6b343c55b13e2aba74ef61\"");
    await queryRunner.query("CREATE TABLE \"temporary_note\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"plan_id\" integer, \"objective_id\" integer, \"author_id\" integer NOT NULL, \"body\" text NOT NULL, \"created_at\" datetime NOT NULL, CONSTRAINT \"FK_d86f41f95b11fbf565464ff9ee2\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_f2a801b1f62ba032ad1d8ec7a3e\" FOREIGN KEY (\"objective_id\") REFERENCES \"objective\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_665a6b343c55b13e2aba74ef613\" FOREIGN KEY (\"author_id\") REFERENCES \"app_user\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_note\"(\"id\", \"plan_id\", \"objective_id\", \"author_id\", \"body\", \"created_at\") SELECT \"id\", \"plan_id\", \"objective_id\", \"author_id\", \"body\", \"created_at\" FROM \"note\"");
    await queryRunner.query("DROP TABLE \"note\"");
    await queryRunner.query("ALTER TABLE \"temporary_note\" RENAME TO \"note\"");
    await queryRunner.query("CREATE INDEX \"IDX_d86f41f95b11fbf565464ff9ee\" ON \"note\" (\"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_f2a801b1f62ba032ad1d8ec7a3\" ON \"note\" (\"objective_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_665a6b343c55b13e2aba74ef61\" ON \"note\" (\"author_id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_665a6b343c55b13e2aba74ef61\"");
    await queryRunner.query("DROP INDEX \"IDX_f2a801b1f62ba032ad1d8ec7a3\"");
    await queryRunner.query("DROP INDEX \"IDX_d86f41f95b11fbf565464ff9ee\"");
    await queryRunner.query("ALTER TABLE \"note\" RENAME TO \"temporary_note\"");
    await queryRunner.query("CREATE TABLE \"note\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"plan_id\" integer, \"objective_id\" integer, \"author_id\" integer NOT NULL, \"body\" text NOT NULL, \"created_at\" datetime NOT NULL)");
    await queryRunner.query("INSERT INTO \"note\"(\"id\", \"plan_id\", \"objective_id\", \"author_id\", \"body\", \"created_at\") SELECT \"id\", \"plan_id\", \"objective_id\", \"author_id\", \"body\", \"created_at\" FROM \"temporary_note\"");
    await queryRunner.query("DROP TABLE \"temporary_note\"");
    await queryRunner.query("CREATE INDEX \"IDX_665a6b343c55b13e2aba74ef61\" ON \"note\" (\"author_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_f2a801b1f62ba032ad1d8ec7a3\" ON \"note\" (\"objective_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_d86f41f95b11fbf565464ff9ee\" ON \"note\" (\"plan_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_fae80f0799d64c8f24d1de42d6\"");
    await queryRunner.query("ALTER TABLE \"plan_member\" RENAME TO \"temporary_plan_member\"");
    await queryRunner.query("CREATE TABLE \"plan_member\" (\"plan_id\" integer NOT NULL, \"user_id\" integer NOT NULL, \"role\" varchar(16) NOT NULL, \"added_at\" datetime NOT NULL, PRIMARY KEY (\"plan_id\", \"user_id\"))");
    await queryRunner.query("INSERT INTO \"plan_member\"(\"plan_id\", \"user_id\", \"role\", \"added_at\") SELECT \"plan_id\", \"user_id\", \"role\", \"added_at\" FROM \"temporary_plan_member\"");
    await queryRunner.query("DROP TABLE \"temporary_plan_member\"");
    await queryRunner.query("CREATE INDEX \"IDX_fae80f0799d64c8f24d1de42d6\" ON \"plan_member\" (\"user_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_665a6b343c55b13e2aba74ef61\"");
    await queryRunner.query("DROP INDEX \"IDX_f2a801b1f62ba032ad1d8ec7a3\"");
    await queryRunner.query("DROP INDEX \"IDX_d86f41f95b11fbf565464ff9ee\"");
    await queryRunner.query("DROP TABLE \"note\"");
    await queryRunner.query("DROP INDEX \"IDX_fae80f0799d64c8f24d1de42d6\"");
    await queryRunner.query("DROP TABLE \"plan_member\"");
  }
}
