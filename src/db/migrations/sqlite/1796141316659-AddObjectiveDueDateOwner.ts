import type { MigrationInterface, QueryRunner } from "typeorm";

export class AddObjectiveDueDateOwner1796141316659 implements MigrationInterface {
  name = "AddObjectiveDueDateOwner1796141316659";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_fef098ba5f9fb910ba0463a6be\"");
    await queryRunner.query("DROP INDEX \"IDX_2edbca723911d6aa0a9421058b\"");
    await queryRunner.query("DROP INDEX \"IDX_04af7040050b5dc3a436a76d8e\"");
    await queryRunner.query("DROP INDEX \"IDX_dc899ebce2a175b95125680bc9\"");
    await queryRunner.query("DROP INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\"");
    await queryRunner.query("DROP INDEX \"IDX_04f87801c8e9a985f71e48d59d\"");
    await queryRunner.query("CREATE TABLE \"temporary_objective\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"name\" varchar(200) NOT NULL, \"description\" text, \"period_id\" integer NOT NULL, \"plan_id\" integer, \"account_id\" integer, \"contact_id\" integer, \"parent_id\" integer, \"target_revenue_cents\" bigint, \"target_quantity\" integer, \"unit\" varchar(16), \"manual_quantity\" integer, \"created_at\" datetime NOT NULL DEFAULT (datetime('now')), \"updated_at\" datetime NOT NULL DEFAULT (datetime('now')), \"due_date\" date NOT NULL, \"owner_id\" integer, CONSTRAINT \"FK_2edbca723911d6aa0a9421058b9\" FOREIGN KEY (\"parent_id\") REFERENCES \"objective\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04af7040050b5dc3a436a76d8e5\" FOREIGN KEY (\"contact_id\") REFERENCES \"contact\" (\"id\") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT \"FK_dc899ebce2a175b95125680bc95\" FOREIGN KEY (\"account_id\") REFERENCES \"account\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_740b8e7f288f35d3dc59c9baf47\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04f87801c8e9a985f71e48d59d4\" FOREIGN KEY (\"period_id\") REFERENCES \"period\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    // existing objectives: due at the end of their period, owned by their plan's owner (edited after generation)
    await queryRunner.query("INSERT INTO \"temporary_objective\"(\"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\", \"due_date\", \"owner_id\") SELECT \"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\", (SELECT \"end_date\" FROM \"period\" WHERE \"period\".\"id\" = \"objective\".\"period_id\"), (SELECT \"owner_id\" FROM \"business_plan\" WHERE \"business_plan\".\"id\" = \"objective\".\"plan_id\") FROM \"objective\"");
    await queryRunner.query("DROP TABLE \"objective\"");
    await queryRunner.query("ALTER TABLE \"temporary_objective\" RENAME TO \"objective\"");
    await queryRunner.query("CREATE INDEX \"IDX_fef098ba5f9fb910ba0463a6be\" ON \"objective\" (\"account_id\", \"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_2edbca723911d6aa0a9421058b\" ON \"objective\" (\"parent_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_04af7040050b5dc3a436a76d8e\" ON \"objective\" (\"contact_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_dc899ebce2a175b95125680bc9\" ON \"objective\" (\"account_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\" ON \"objective\" (\"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_04f87801c8e9a985f71e48d59d\" ON \"objective\" (\"period_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_3e9e716f8dbeb75b4b8532d214\" ON \"objective\" (\"owner_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_fef098ba5f9fb910ba0463a6be\"");
    await queryRunner.query("DROP INDEX \"IDX_2edbca723911d6aa0a9421058b\"");
    await queryRunner.query("DROP INDEX \"IDX_04af7040050b5dc3a436a76d8e\"");
    await queryRunner.query("DROP INDEX \"IDX_dc899ebce2a175b95125680bc9\"");
    await queryRunner.query("DROP INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\"");
    await queryRunner.query("DROP INDEX \"IDX_04f87801c8e9a985f71e48d59d\"");
    await queryRunner.query("DROP INDEX \"IDX_3e9e716f8dbeb75b4b8532d214\"");
    await queryRunner.query("CREATE TABLE \"temporary_objective\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"name\" varchar(200) NOT NULL, \"description\" text, \"period_id\" integer NOT NULL, \"plan_id\" integer, \"account_id\" integer, \"contact_id\" integer, \"parent_id\" integer, \"target_revenue_cents\" bigint, \"target_quantity\" integer, \"unit\" varchar(16), \"manual_quantity\" integer, \"created_at\" datetime NOT NULL DEFAULT (datetime('now')), \"updated_at\" datetime NOT NULL DEFAULT (datetime('now')), \"due_date\" date NOT NULL, \"owner_id\" integer, CONSTRAINT \"FK_2edbca723911d6aa0a9421058b9\" FOREIGN KEY (\"parent_id\") REFERENCES \"objective\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04af7040050b5dc3a436a76d8e5\" FOREIGN KEY (\"contact_id\") REFERENCES \"contact\" (\"id\") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT \"FK_dc899ebce2a175b95125680bc95\" FOREIGN KEY (\"account_id\") REFERENCES \"account\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_740b8e7f288f35d3dc59c9baf47\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04f87801c8e9a985f71e48d59d4\" FOREIGN KEY (\"period_id\") REFERENCES \"period\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT \"FK_3e9e716f8dbeb75b4b8532d2145\" FOREIGN KEY (\"owner_id\") REFERENCES \"app_user\" (\"id\") ON DELETE SET NULL ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"temporary_objective\"(\"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\", \"due_date\", \"owner_id\") SELECT \"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\", \"due_date\", \"owner_id\" FROM \"objective\"");
    await queryRunner.query("DROP TABLE \"objective\"");
    await queryRunner.query("ALTER TABLE \"temporary_objective\" RENAME TO \"objective\"");
    await queryRunner.query("CREATE INDEX \"IDX_fef098ba5f9fb910ba0463a6be\" ON \"objective\" (\"account_id\", \"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_2edbca723911d6aa0a9421058b\" ON \"objective\" (\"parent_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_04af7040050b5dc3a436a76d8e\" ON \"objective\" (\"contact_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_dc899ebce2a175b95125680bc9\" ON \"objective\" (\"account_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\" ON \"objective\" (\"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_04f87801c8e9a985f71e48d59d\" ON \"objective\" (\"period_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_3e9e716f8dbeb75b4b8532d214\" ON \"objective\" (\"owner_id\") ");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_3e9e716f8dbeb75b4b8532d214\"");
    await queryRunner.query("DROP INDEX \"IDX_04f87801c8e9a985f71e48d59d\"");
    await queryRunner.query("DROP INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\"");
    await queryRunner.query("DROP INDEX \"IDX_dc899ebce2a175b95125680bc9\"");
    await queryRunner.query("DROP INDEX \"IDX_04af7040050b5dc3a436a76d8e\"");
    await queryRunner.query("DROP INDEX \"IDX_2edbca723911d6aa0a9421058b\"");
    await queryRunner.query("DROP INDEX \"IDX_fef098ba5f9fb910ba0463a6be\"");
    await queryRunner.query("ALTER TABLE \"objective\" RENAME TO \"temporary_objective\"");
    await queryRunner.query("CREATE TABLE \"objective\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"name\" varchar(200) NOT NULL, \"description\" text, \"period_id\" integer NOT NULL, \"plan_id\" integer, \"account_id\" integer, \"contact_id\" integer, \"parent_id\" integer, \"target_revenue_cents\" bigint, \"target_quantity\" integer, \"unit\" varchar(16), \"manual_quantity\" integer, \"created_at\" datetime NOT NULL DEFAULT (datetime('now')), \"updated_at\" datetime NOT NULL DEFAULT (datetime('now')), \"due_date\" date NOT NULL, \"owner_id\" integer, CONSTRAINT \"FK_2edbca723911d6aa0a9421058b9\" FOREIGN KEY (\"parent_id\") REFERENCES \"objective\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04af7040050b5dc3a436a76d8e5\" FOREIGN KEY (\"contact_id\") REFERENCES \"contact\" (\"id\") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT \"FK_dc899ebce2a175b95125680bc95\" FOREIGN KEY (\"account_id\") REFERENCES \"account\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_740b8e7f288f35d3dc59c9baf47\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04f87801c8e9a985f71e48d59d4\" FOREIGN KEY (\"period_id\") REFERENCES \"period\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"objective\"(\"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\", \"due_date\", \"owner_id\") SELECT \"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\", \"due_date\", \"owner_id\" FROM \"temporary_objective\"");
    await queryRunner.query("DROP TABLE \"temporary_objective\"");
    await queryRunner.query("CREATE INDEX \"IDX_3e9e716f8dbeb75b4b8532d214\" ON \"objective\" (\"owner_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_04f87801c8e9a985f71e48d59d\" ON \"objective\" (\"period_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\" ON \"objective\" (\"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_dc899ebce2a175b95125680bc9\" ON \"objective\" (\"account_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_04af7040050b5dc3a436a76d8e\" ON \"objective\" (\"contact_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_2edbca723911d6aa0a9421058b\" ON \"objective\" (\"parent_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_fef098ba5f9fb910ba0463a6be\" ON \"objective\" (\"account_id\", \"plan_id\") ");
    await queryRunner.query("DROP INDEX \"IDX_3e9e716f8dbeb75b4b8532d214\"");
    await queryRunner.query("DROP INDEX \"IDX_04f87801c8e9a985f71e48d59d\"");
    await queryRunner.query("DROP INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\"");
    await queryRunner.query("DROP INDEX \"IDX_dc899ebce2a175b95125680bc9\"");
    await queryRunner.query("DROP INDEX \"IDX_04af7040050b5dc3a436a76d8e\"");
    await queryRunner.query("DROP INDEX \"IDX_2edbca723911d6aa0a9421058b\"");
    await queryRunner.query("DROP INDEX \"IDX_fef098ba5f9fb910ba0463a6be\"");
    await queryRunner.query("ALTER TABLE \"objective\" RENAME TO \"temporary_objective\"");
    await queryRunner.query("CREATE TABLE \"objective\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"name\" varchar(200) NOT NULL, \"description\" text, \"period_id\" integer NOT NULL, \"plan_id\" integer, \"account_id\" integer, \"contact_id\" integer, \"parent_id\" integer, \"target_revenue_cents\" bigint, \"target_quantity\" integer, \"unit\" varchar(16), \"manual_quantity\" integer, \"created_at\" datetime NOT NULL DEFAULT (datetime('now')), \"updated_at\" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT \"FK_2edbca723911d6aa0a9421058b9\" FOREIGN KEY (\"parent_id\") REFERENCES \"objective\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04af7040050b5dc3a436a76d8e5\" FOREIGN KEY (\"contact_id\") REFERENCES \"contact\" (\"id\") ON DELETE SET NULL ON UPDATE NO ACTION, CONSTRAINT \"FK_dc899ebce2a175b95125680bc95\" FOREIGN KEY (\"account_id\") REFERENCES \"account\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_740b8e7f288f35d3dc59c9baf47\" FOREIGN KEY (\"plan_id\") REFERENCES \"business_plan\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT \"FK_04f87801c8e9a985f71e48d59d4\" FOREIGN KEY (\"period_id\") REFERENCES \"period\" (\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION)");
    await queryRunner.query("INSERT INTO \"objective\"(\"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\") SELECT \"id\", \"name\", \"description\", \"period_id\", \"plan_id\", \"account_id\", \"contact_id\", \"parent_id\", \"target_revenue_cents\", \"target_quantity\", \"unit\", \"manual_quantity\", \"created_at\", \"updated_at\" FROM \"temporary_objective\"");
    await queryRunner.query("DROP TABLE \"temporary_objective\"");
    await queryRunner.query("CREATE INDEX \"IDX_04f87801c8e9a985f71e48d59d\" ON \"objective\" (\"period_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_740b8e7f288f35d3dc59c9baf4\" ON \"objective\" (\"plan_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_dc899ebce2a175b95125680bc9\" ON \"objective\" (\"account_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_04af7040050b5dc3a436a76d8e\" ON \"objective\" (\"contact_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_2edbca723911d6aa0a9421058b\" ON \"objective\" (\"parent_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_fef098ba5f9fb910ba0463a6be\" ON \"objective\" (\"account_id\", \"plan_id\") ");
  }
}
