import 'reflect-metadata';
import { runService } from '@ct/runtime';
import { OpsService } from './service';

void runService(OpsService);
