/**
 * The messages of the type tests, registered as an app registers its own. Every program
 * typechecked by tsconfig.json registers under its own name (the examples too), so the
 * JSX handlers in this project accept the union of them; `"incc"` is in none.
 */
export type TestMsg =
  | { readonly type: "inc" }
  | { readonly type: "typed"; readonly text: string }
  | { readonly type: "saved" }

declare module "shuttle-ui/worker" {
  interface Register {
    typeTests: TestMsg
  }
}
