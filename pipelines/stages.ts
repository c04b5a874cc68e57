// The stages of a build, in order: raw → ingest → harmonize → clean → derive → transform → warehouse. Each is
// declared next to its code (pipelines/<stage>/index.ts); the runner (pipelines/runner/) knows them only
// through this list and the Stage interface.
import { cleanStage } from './clean/index.ts';
import { deriveStage } from './derive/index.ts';
import { harmonizeStage } from './harmonize/index.ts';
import { ingestStage } from './ingest/index.ts';
import type { Stage } from './runner/stage.ts';
import { transformStage } from './transform/index.ts';
import { warehouseStage } from './warehouse/index.ts';

export const STAGES: readonly Stage[] = [ingestStage, harmonizeStage, cleanStage, deriveStage, transformStage, warehouseStage];
