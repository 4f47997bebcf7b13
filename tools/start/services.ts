import { ServiceDefinition, ServiceEnv } from '@ct/runtime';
import { CasesService } from '../../apps/cases/src/service';
import { CheckinGatewayService } from '../../apps/checkin-gateway/src/service';
import { OpsService } from '../../apps/ops/src/service';
import { QuarantineService } from '../../apps/quarantine/src/service';
import { TracingService } from '../../apps/tracing/src/service';

export interface LaunchedService {
  def: ServiceDefinition<ServiceEnv>;
  /** Port when `npm start` runs every service on one machine; the edge proxy listens on 3000. */
  port: number;
  /** Compiled entry point, relative to the repository root. */
  main: string;
}

export const ALL_SERVICES = [
  CheckinGatewayService,
  TracingService,
  CasesService,
  QuarantineService,
  OpsService,
] as unknown as ServiceDefinition<ServiceEnv>[];

export const LOCAL_LAYOUT: LaunchedService[] = ALL_SERVICES.map((def, i) => ({
  def,
  port: 3001 + i,
  main: `dist/apps/${def.name}/src/main.js`,
}));
