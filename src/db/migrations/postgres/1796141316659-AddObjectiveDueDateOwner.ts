import type { MigrationInterface, QueryRunner } from "typeorm";

export class AddObjectiveDueDateOwner1796141316659 implements MigrationInterface {
  name = "AddObjectiveDueDateOwner1796141316659";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // existing objectives: due at the end of their period, owned by their plan's owner (edited after generation)
    await queryRunner.query("ALTER TABLE \"objective\" ADD \"due_date\" date");
    await queryRunner.query("ALTER TABLE \"objective\" ADD \"owner_id\" integer");
    await queryRunner.query("UPDATE \"objective\" o SET \"due_date\" = p.\"end_date\" FROM \"period\" p WHERE p.\"id\" = o.\"period_id\"");
    await queryRunner.query("UPDATE \"objective\" o SET \"owner_id\" = b.\"owner_id\" FROM \"business_plan\" b WHERE b.\"id\" = o.\"plan_id\"");
    await queryRunner.query("ALTER TABLE \"objective\" ALTER COLUMN \"due_date\" SET NOT NULL");
    await queryRunner.query("CREATE INDEX \"IDX_3e9e716f8dbeb75b4b8532d214\" ON \"objective\"  (\"owner_id\") ");
    await queryRunner.query("ALTER TABLE \"objective\" ADD CONSTRAINT \"FK_3e9e716f8dbeb75b4b8532d2145\" FOREIGN KEY (\"owner_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"objective\" DROP CONSTRAINT \"FK_3e9e716f8dbeb75b4b8532d2145\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_3e9e716f8dbeb75b4b8532d214\"");
    await queryRunner.query("ALTER TABLE \"objective\" DROP COLUMN \"owner_id\"");
    await queryRunner.query("ALTER TABLE \"objective\" DROP COLUMN \"due_date\"");
  }
}
