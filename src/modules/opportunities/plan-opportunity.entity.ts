import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { BusinessPlan } from "../plans/business-plan.entity";
import { Opportunity } from "./opportunity.entity";

/** Link between an opportunity and a plan of the same account. */
@Entity("plan_opportunity")
export class PlanOpportunity {
  @PrimaryColumn({ type: "integer" })
  planId: number;

  @Index()
  @PrimaryColumn({ type: "integer" })
  opportunityId: number;

  @ManyToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @ManyToOne(() => Opportunity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "opportunity_id" })
  opportunityRef?: Opportunity;

  @CreateDateColumn()
  createdAt: Date;
}
