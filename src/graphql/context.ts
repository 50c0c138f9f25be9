import { randomUUID } from "node:crypto";
import type { User } from "../modules/users/user.entity";
import type { Loaders } from "../loaders/loaders";
import type { Services } from "../services";

export interface Context {
  requestId: string;
  user: User;
  loaders: Loaders;
  services: Services;
}

export const newRequestId = (): string => randomUUID();
