import { Field, ObjectType } from "type-graphql";
import type { Page } from "../common/pagination";

@ObjectType({ simpleResolvers: true, description: "Where a page of a connection lies in the whole list (Relay's PageInfo)." })
export class PageInfo {
  @Field({ description: "True when more items follow this page: pass endCursor as `after` to get them. Paging backward (last/before) it is true when `before` was given." })
  hasNextPage: boolean;

  @Field({ description: "True when items come before this page: pass startCursor as `before` (with `last`) to get them. Paging forward (first/after) it is true when `after` was given." })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: "The cursor of the page's first item (null for an empty page). Opaque: pass it back as it is." })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: "The cursor of the page's last item (null for an empty page). Opaque: pass it back as it is." })
  endCursor: string | null;
}

/** The PageInfo of a page; `after`: the cursor the page was asked after (forward paging). */
export function pageInfoOf(page: Page<unknown>, after: string | null | undefined): PageInfo {
  return {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage ?? after != null,
    startCursor: page.cursors[0] ?? null,
    endCursor: page.cursors.at(-1) ?? null,
  };
}
