/** Types for serve.mjs, for the TypeScript tests that start the server in-process. */
export declare const DIST: string

export interface ExampleServer {
  /** http://127.0.0.1:<port>/ */
  readonly url: string
  readonly port: number
  /** Example folders found in the served directory. */
  readonly examples: readonly string[]
  close(): Promise<void>
}

/** `isolation`: serve COOP/COEP so pages are cross-origin isolated (default on unless SHUTTLE_ISOLATION=off). */
export declare function startServer(options?: { port?: number; root?: string; isolation?: boolean }): Promise<ExampleServer>
