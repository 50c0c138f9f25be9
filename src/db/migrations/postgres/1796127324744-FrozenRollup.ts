import type { MigrationInterface, QueryRunner } from "typeorm";

export class FrozenRollup1796127324744 implements MigrationInterface {
  name = "FrozenRollup1796127324744";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"plan_frozen_rollup\" (\"plan_id\" integer NOT NULL, \"pipeline_revenue_cents\" bigint NOT NULL, \"won_revenue_cents\" bigint NOT NULL, \"children_revenue_target_cents\" bigint NOT NULL, \"as_of\" TIMESTAMP NOT NULL, CONSTRAINT \"PK_157ba5bdd438a9cf2e21afbb216\" PRIMARY KEY (\"plan_id\"))");
    await queryRunner.query("ALTER TABLE \"plan_frozen_rollup\" ADD CONSTRAINT \"FK_157ba5bdd438a9cf2e21afbb216\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"plan_frozen_rollup\" DROP CONSTRAINT \"FK_157ba5bdd438a9cf2e21afbb216\"");
    await queryRunner.query("DROP TABLE \"plan_frozen_rollup\"");
  }
}
