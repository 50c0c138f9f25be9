import { Role } from "../common/enums";
import { forbidden } from "../common/errors";
import type { User } from "../modules/users/user.entity";

/** Everyone signed in may read. Writing needs any role but ANALYST. */
export function assertCanWrite(user: User): void {
  if (user.role === Role.ANALYST) throw forbidden("ANALYST users have read-only access");
}

export function assertAdmin(user: User, what: string): void {
  if (user.role !== Role.ADMIN) throw forbidden(`Only ADMIN users may ${what}`);
}

export function assertRole(user: User, roles: Role[], what: string): void {
  if (!roles.includes(user.role)) throw forbidden(`Only ${roles.join(" or ")} users may ${what}`);
}
