// graphql-ws publishes "graphql-ws/use/ws" through package.json "exports", which this project's
// module resolution (node10, CommonJS output) does not read; the types live beside the code.
declare module "graphql-ws/use/ws" {
  export * from "graphql-ws/dist/use/ws";
}
