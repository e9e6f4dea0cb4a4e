/** The tools `--emit` writes the change for. */
export const EMIT_TOOLS = ['terraform', 'cdk', 'sam', 'serverless', 'cloudformation'] as const;
export type EmitTool = (typeof EMIT_TOOLS)[number];
