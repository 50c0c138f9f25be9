import type { MigrationInterface, QueryRunner } from "typeorm";

export class ObjectiveScopeIndex1795738170762 implements MigrationInterface {
  name = "ObjectiveScopeIndex1795738170762";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"IDX_fef098ba5f9fb910ba0463a6be\" ON \"objective\" (\"account_id\", \"plan_id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_fef098ba5f9fb910ba0463a6be\"");
  }
}
