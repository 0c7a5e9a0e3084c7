/** Types for package-entries.mjs, for the TypeScript tests that bundle examples from source. */
export declare const PACKAGE_ENTRIES: ReadonlyArray<readonly [specifier: string, path: string]>
export declare function esbuildAliases(): Record<string, string>
