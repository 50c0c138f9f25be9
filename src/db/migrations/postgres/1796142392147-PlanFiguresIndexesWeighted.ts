import type { MigrationInterface, QueryRunner } from "typeorm";

export class PlanFiguresIndexesWeighted1796142392147 implements MigrationInterface {
  name = "PlanFiguresIndexesWeighted1796142392147";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"plan_frozen_rollup\" ADD \"weighted_pipeline_revenue_cents\" bigint");
    await queryRunner.query("CREATE INDEX \"IDX_f121832dbd7c06a6d632d12185\" ON \"activity\"  (\"account_id\", \"status\") ");
    await queryRunner.query("CREATE INDEX \"IDX_a68d7cc26a21c8ca10cbc326e6\" ON \"activity\"  (\"objective_id\", \"status\", \"type\", \"account_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_c33360cdad1585477946deb980\" ON \"opportunity\"  (\"objective_id\", \"status\", \"account_id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_c33360cdad1585477946deb980\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_a68d7cc26a21c8ca10cbc326e6\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_f121832dbd7c06a6d632d12185\"");
    await queryRunner.query("ALTER TABLE \"plan_frozen_rollup\" DROP COLUMN \"weighted_pipeline_revenue_cents\"");
  }
}
