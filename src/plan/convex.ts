/** The convex-curve check the planner reads its plan model with (src/phases/convex.ts). */
export { CONVEX_QUANTILE, convexChannels, type ConvexChannel } from '../phases/convex.js';
