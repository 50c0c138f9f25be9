import { Initial1795735588743 as M0 } from "./1795735588743-Initial";
import { ObjectiveScopeIndex1795738170762 as M1 } from "./1795738170762-ObjectiveScopeIndex";
import { FrozenRollup1796127324744 as M2 } from "./1796127324744-FrozenRollup";
import { IdempotencyKeys1796138392096 as M3 } from "./1796138392096-IdempotencyKeys";
import { PlanTeamsAndNotes1796138475939 as M4 } from "./1796138475939-PlanTeamsAndNotes";
import { Webhooks1796138524527 as M5 } from "./1796138524527-Webhooks";
import { ListOrdersAndFilters1796138628727 as M6 } from "./1796138628727-ListOrdersAndFilters";
import { AddObjectiveDueDateOwner1796141316659 as M7 } from "./1796141316659-AddObjectiveDueDateOwner";
import { PlanFiguresIndexesWeighted1796142392147 as M8 } from "./1796142392147-PlanFiguresIndexesWeighted";

export const sqliteMigrations = [M0, M1, M2, M3, M4, M5, M6, M7, M8];
