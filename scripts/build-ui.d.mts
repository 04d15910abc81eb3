// Types of scripts/build-ui.mjs for TypeScript callers (tests, the screenshot script).

export declare const root: string;
export declare const PAGES: readonly { page: string; entry: string; title: string }[];

export interface BuildResult {
  built: boolean;
  ms: number;
  pages: { page: string; jsBytes: number; cssBytes: number }[];
}

export declare function buildUi(opts?: { force?: boolean; dev?: boolean; outDir?: string; log?: (msg: string) => void }): Promise<BuildResult>;
