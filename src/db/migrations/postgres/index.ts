import { Initial1795735588743 as M0 } from "./1795735588743-Initial";

export const postgresMigrations = [M0];
