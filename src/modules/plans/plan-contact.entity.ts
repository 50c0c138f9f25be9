import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Contact } from "../contacts/contact.entity";
import { BusinessPlan } from "./business-plan.entity";

@Entity("plan_contact")
export class PlanContact {
  @PrimaryColumn({ type: "integer" })
  planId: number;

  @Index()
  @PrimaryColumn({ type: "integer" })
  contactId: number;

  @ManyToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @ManyToOne(() => Contact, { onDelete: "CASCADE" })
  @JoinColumn({ name: "contact_id" })
  contactRef?: Contact;

  @CreateDateColumn()
  createdAt: Date;
}
