export { benchOutput, intArg, runBench } from './cli';
export { freshBenchDatabase } from './database';
export { startServiceProcess } from './service-process';
export type { ServiceProcess } from './service-process';
export { benchMachine, withBenchStack } from './stack';
export type { BenchService, BenchStack, BenchStackOptions } from './stack';
