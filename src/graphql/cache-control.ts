import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";

/**
 * `Cache-Control: no-store` on every GraphQL response, without Apollo's
 * cache-control plugin. The schema has no cache hints, so that plugin always
 * ended up sending `no-store` too; but its per-field `willResolveField` hook
 * makes Apollo wrap every resolver of the schema (bench/: about 5% of the CPU
 * time of the account view). Both plugins are returned: the first turns
 * Apollo's default one off.
 */
export function noStoreCacheControl(): ApolloServerPlugin[] {
  return [
    ApolloServerPluginCacheControlDisabled(),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            if (!response.http.headers.has("cache-control")) response.http.headers.set("cache-control", "no-store");
          },
        };
      },
    },
  ];
}
