import type { MigrationInterface, QueryRunner } from "typeorm";

export class PlanFiguresIndexesWeighted1796142392147 implements MigrationInterface {
  name = "PlanFiguresIndexesWeighted1796142392147";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"temporary_plan_frozen_rollup\" (\"plan_id\" integer PRIMARY KEY NOT NULL, \"pipeline_revenue_cents\" bigint NOT NULL, \"won_revenue_cents\" bigint NOT NULL, \"children_revenue_target_cents\" bigint NOT NULL, \"as_of\" datetime NOT NULL, \"weighted_pipeline_revenue_cents\" bigint, CONSTRAINT \"FK_157ba5bdd438a9cf2e21afbb216\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_plan_frozen_rollup\"(\"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\") SELECT \"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\" FROM \"plan_frozen_rollup\"");
    await queryRunner.query("DROP TABLE \"plan_frozen_rollup\"");
    await queryRunner.query("ALTER TABLE \"temporary_plan_frozen_rollup\" RENAME TO \"plan_frozen_rollup\"");
    await queryRunner.query("CREATE INDEX \"IDX_f121832dbd7c06a6d632d12185\" ON \"activity\" (\"account_id\", \"status\") ");
    await queryRunner.query("CREATE INDEX \"IDX_a68d7cc26a21c8ca10cbc326e6\" ON \"activity\" (\"objective_id\", \"status\", \"type\", \"account_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_c33360cdad1585477946deb980\" ON \"opportunity\" (\"objective_id\", \"status\", \"account_id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_c33360cdad1585477946deb980\"");
    await queryRunner.query("DROP INDEX \"IDX_a68d7cc26a21c8ca10cbc326e6\"");
    await queryRunner.query("DROP INDEX \"IDX_f121832dbd7c06a6d632d12185\"");
    await queryRunner.query("ALTER TABLE \"plan_frozen_rollup\" RENAME TO \"temporary_plan_frozen_rollup\"");
    await queryRunner.query("CREATE TABLE \"plan_frozen_rollup\" (\"plan_id\" integer PRIMARY KEY NOT NULL, \"pipeline_revenue_cents\" bigint NOT NULL, \"won_revenue_cents\" bigint NOT NULL, \"children_revenue_target_cents\" bigint NOT NULL, \"as_of\" datetime NOT NULL, CONSTRAINT \"FK_157ba5bdd438a9cf2e21afbb216\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"plan_frozen_rollup\"(\"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\") SELECT \"plan_id\", \"pipeline_revenue_cents\", \"won_revenue_cents\", \"children_revenue_target_cents\", \"as_of\" FROM \"temporary_plan_frozen_rollup\"");
    await queryRunner.query("DROP TABLE \"temporary_plan_frozen_rollup\"");
  }
}
