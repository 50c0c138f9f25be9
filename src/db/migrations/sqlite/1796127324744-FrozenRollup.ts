import type { MigrationInterface, QueryRunner } from "typeorm";

export class FrozenRollup1796127324744 implements MigrationInterface {
  name = "FrozenRollup1796127324744";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"plan_frozen_rollup\" (\"plan_id\" integer PRIMARY KEY NOT NULL, \"pipeline_revenue_cents\" bigint NOT NULL, \"won_revenue_cents\" bigint NOT NULL, \"children_revenue_target_cents\" bigint NOT NULL, \"as_of\" datetime NOT NULL)");
    await queryRunner.query("CREATE TABLE \"temporary_plan_frozen_rollup\" (\"plan_id\" integer PRIMARY KEY NOT NULL, \"pipeline_revenue_cents\" bigint NOT NULL, \"won_revenue_cents\" bigint NOT NULL, \"children_revenue_target_cents\" bigint NOT NULL, \"as_of\" datetime NOT NULL, CONSTRAINT \"FK_157ba5bdd438a9cf2e21afbb216\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_plan_frozen_rollup\"(\"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\") SELECT \"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\" FROM \"plan_frozen_rollup\"");
    await queryRunner.query("DROP TABLE \"plan_frozen_rollup\"");
    await queryRunner.query("ALTER TABLE \"temporary_plan_frozen_rollup\" RENAME TO \"plan_frozen_rollup\"");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"plan_frozen_rollup\" RENAME TO \"temporary_plan_frozen_rollup\"");
    await queryRunner.query("CREATE TABLE \"plan_frozen_rollup\" (\"plan_id\" integer PRIMARY KEY NOT NULL, \"pipeline_revenue_cents\" bigint NOT NULL, \"won_revenue_cents\" bigint NOT NULL, \"children_revenue_target_cents\" bigint NOT NULL, \"as_of\" datetime NOT NULL)");
    await queryRunner.query("INSERT INTO \"plan_frozen_rollup\"(\"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\") SELECT \"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\" FROM \"temporary_plan_frozen_rollup\"");
    await queryRunner.query("DROP TABLE \"temporary_plan_frozen_rollup\"");
    await queryRunner.query("DROP TABLE \"plan_frozen_rollup\"");
  }
}
