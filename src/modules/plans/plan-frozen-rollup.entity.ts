import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from "typeorm";
import { type Cents, centsTransformer } from "../../common/money";
import { BusinessPlan } from "./business-plan.entity";

/**
 * The rollup of a plan as it was when the plan expired: an EXPIRED plan answers
 * these figures (asOf = the moment of expiry) instead of live ones, so later
 * edits of opportunities do not move what was reported for the period.
 */
@Entity("plan_frozen_rollup")
export class PlanFrozenRollup {
  @PrimaryColumn({ type: "integer" })
  planId: number;

  @OneToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @Column({ type: "bigint", name: "pipeline_revenue_cents", transformer: centsTransformer })
  pipelineRevenue: Cents;

  @Column({ type: "bigint", name: "won_revenue_cents", transformer: centsTransformer })
  wonRevenue: Cents;

  /** Null for a plan frozen before this figure was kept: it then answers its live weighted figure. */
  @Column({ type: "bigint", name: "weighted_pipeline_revenue_cents", nullable: true, transformer: centsTransformer })
  weightedPipelineRevenue: Cents | null;

  @Column({ type: "bigint", name: "children_revenue_target_cents", transformer: centsTransformer })
  childrenRevenueTarget: Cents;

  @Column({ type: Date })
  asOf: Date;
}
