import type { MigrationInterface, QueryRunner } from "typeorm";

export class ListOrdersAndFilters1796138628727 implements MigrationInterface {
  name = "ListOrdersAndFilters1796138628727";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"IDX_bec1ef56fecaa6c10f13cf43e9\" ON \"app_user\" (\"role\") ");
    await queryRunner.query("CREATE INDEX \"IDX_93b3ef54d7a561fca278b29b83\" ON \"app_user\" (\"name\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_41e7959fc826c4c65a7b4a8b2a\" ON \"business_plan\" (\"period_id\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_bc06afae9131ab66a5f1ea4efc\" ON \"business_plan\" (\"updated_at\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_b86c9cd9b2d845102af636ce55\" ON \"business_plan\" (\"name\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_f27285af15ef48363745ab2d79\" ON \"activity\" (\"type\") ");
    await queryRunner.query("CREATE INDEX \"IDX_c5215b4cf65d75569ef6d3645e\" ON \"activity\" (\"owner_id\", \"due_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_36ae82852484ca6a861edc1878\" ON \"activity\" (\"due_at\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_9ddbce9d0cab88501cd3efda88\" ON \"opportunity\" (\"status\", \"close_date\") ");
    await queryRunner.query("CREATE INDEX \"IDX_10b676d541bac84d54ef0e9b96\" ON \"opportunity\" (\"name\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_56a328e9b686b268f5353bbbdb\" ON \"opportunity\" (\"revenue_cents\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_38f10766ca9c9a1f9a9e0faf94\" ON \"opportunity\" (\"close_date\", \"id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_38f10766ca9c9a1f9a9e0faf94\"");
    await queryRunner.query("DROP INDEX \"IDX_56a328e9b686b268f5353bbbdb\"");
    await queryRunner.query("DROP INDEX \"IDX_10b676d541bac84d54ef0e9b96\"");
    await queryRunner.query("DROP INDEX \"IDX_9ddbce9d0cab88501cd3efda88\"");
    await queryRunner.query("DROP INDEX \"IDX_36ae82852484ca6a861edc1878\"");
    await queryRunner.query("DROP INDEX \"IDX_c5215b4cf65d75569ef6d3645e\"");
    await queryRunner.query("DROP INDEX \"IDX_f27285af15ef48363745ab2d79\"");
    await queryRunner.query("DROP INDEX \"IDX_b86c9cd9b2d845102af636ce55\"");
    await queryRunner.query("DROP INDEX \"IDX_bc06afae9131ab66a5f1ea4efc\"");
    await queryRunner.query("DROP INDEX \"IDX_41e7959fc826c4c65a7b4a8b2a\"");
    await queryRunner.query("DROP INDEX \"IDX_93b3ef54d7a561fca278b29b83\"");
    await queryRunner.query("DROP INDEX \"IDX_bec1ef56fecaa6c10f13cf43e9\"");
  }
}
